package dev.skep.model;

import java.util.List;
import java.util.Set;

/**
 * The live agents (one ephemeral entry each) and the ones an admin drained (kept apart: they outlive an agent's
 * session). A view of {@link ClusterState}.
 */
public interface AgentRegistry {

    void registerAgent(AgentInfo agent);

    List<AgentInfo> agents();

    /** The agents that take no new work and whose instances move away; served like a snapshot. */
    default Set<String> drainingAgents() {
        return Set.of();
    }

    /** Drains ({@code true}) or undrains an agent; the scheduler acts on it at its next pass. */
    default void setDraining(String agentId, boolean draining) {
        throw new UnsupportedOperationException("this state keeps no draining agents");
    }
}
