package dev.skep.supervise;

import dev.skep.model.ClusterState;
import dev.skep.model.EventSink;
import dev.skep.model.SlugStore;

import java.time.Clock;
import java.util.function.DoubleSupplier;

/**
 * The collaborators every {@link InstanceRunner} of one agent shares.
 *
 * @param users the app uid table, or null when isolation is off
 * @param hooks what the composition root lends: extra env, health checks
 */
record RunnerContext(AgentConfig config, ClusterState state, SlugStore slugs, EventSink events, Clock clock,
                     PortAllocator ports, InstanceStore store, AgentLayout layout, Launcher launcher,
                     AppUsers users, DoubleSupplier random, AgentHooks hooks) {
}
