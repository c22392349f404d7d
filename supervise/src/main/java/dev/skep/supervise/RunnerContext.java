package dev.skep.supervise;

import dev.skep.model.AppCatalog;
import dev.skep.model.Assignments;
import dev.skep.model.EventSink;
import dev.skep.model.InstanceStatuses;
import dev.skep.model.SlugStore;
import dev.skep.model.limits.Cgroups;
import dev.skep.model.limits.ResourceLimits;
import dev.skep.supervise.workspace.AppDisks;
import dev.skep.supervise.workspace.Workspaces;
import java.time.Clock;
import java.util.function.DoubleSupplier;

/**
 * The collaborators every {@link InstanceRunner} of one agent shares.
 *
 * @param users   the app uid table, or null when isolation is off
 * @param hooks   what the composition root lends: extra env, health checks
 * @param limits  what each instance may use, or null for no limits
 * @param cgroups where the memory, pids and cpu limits are enforced
 * @param workspaces where each launch gets its writable copy of the slug
 * @param board   where each runner posts its instance's status for readers in this process
 * @param disks   where each app's volumes (and, with a loop image, its copies' layers) live, within its quota
 */
record RunnerContext(AgentConfig config, AppCatalog catalog, Assignments assignments, InstanceStatuses statuses,
                     SlugStore slugs, EventSink events, Clock clock,
                     PortAllocator ports, InstanceStore store, AgentLayout layout, Launcher launcher,
                     AppUsers users, DoubleSupplier random, AgentHooks hooks, ResourceLimits limits, Cgroups cgroups,
                     Workspaces workspaces,
                     AppDisks disks, InstanceBoard board, LogWakeups logWakeups) {
}
