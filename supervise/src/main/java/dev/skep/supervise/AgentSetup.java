package dev.skep.supervise;

import dev.skep.model.limits.ResourceLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * What the composition root gives an agent beyond its config and state, all of it before it starts.
 *
 * @param hooks      extra env per instance and health checks per app (the monitor's), or none
 * @param limits     what each instance may use (enforced through cgroups where the host has them), or null
 * @param board      where its runners post their statuses, for readers in this process made before the agent
 * @param resources  what it says of its host when it registers, or null for the host's memory and CPUs, no labels
 * @param orphanStop when its instances stop because the agent is gone, or null: they outlive it (`skep server`:
 *                   one host, nothing moves)
 */
public record AgentSetup(AgentHooks hooks, ResourceLimits limits, InstanceBoard board, AgentResources resources,
                         OrphanStop orphanStop) {

    /**
     * Stops the agent's instances when it is gone longer than {@code bound} (see {@link OrphanWatchdog}), and, while
     * ZooKeeper is unreachable, the ones {@code check} says were moved elsewhere meanwhile.
     */
    public record OrphanStop(Duration bound, AssignmentCheck check) {
        public OrphanStop {
            Objects.requireNonNull(bound, "bound");
            Objects.requireNonNull(check, "check");
        }
    }

    public AgentSetup {
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(board, "board");
    }

    /** No hooks, no limits, a board of its own, the host as found, instances that outlive the agent. */
    public static AgentSetup plain() {
        return new AgentSetup(AgentHooks.none(), null, new InstanceBoard(), null, null);
    }

    public AgentSetup withHooks(AgentHooks newHooks) {
        return new AgentSetup(newHooks, limits, board, resources, orphanStop);
    }

    public AgentSetup withLimits(ResourceLimits newLimits) {
        return new AgentSetup(hooks, newLimits, board, resources, orphanStop);
    }

    public AgentSetup withBoard(InstanceBoard newBoard) {
        return new AgentSetup(hooks, limits, newBoard, resources, orphanStop);
    }

    public AgentSetup withResources(AgentResources newResources) {
        return new AgentSetup(hooks, limits, board, newResources, orphanStop);
    }

    public AgentSetup withOrphanStop(OrphanStop newOrphanStop) {
        return new AgentSetup(hooks, limits, board, resources, newOrphanStop);
    }
}
