package dev.skep.model;

import java.util.Map;
import java.util.Set;

/**
 * What the leader knows about agents beyond their ZooKeeper nodes, whose end waits for a whole session
 * timeout: which agents stopped beating, and whether this process has been connected long enough to
 * tell a missing agent from its own blindness.
 */
public interface AgentLiveness {

    /**
     * Agents whose heartbeat has not changed for the silence timeout while this process was connected
     * all along (empty while it is cut off, or not yet connected that long).
     */
    Set<String> silent();

    /**
     * True once this process has been connected for a session timeout: only then does a missing agent
     * node mean a dead agent, not one still re-creating its node after a shared outage.
     */
    boolean settled();

    /** What each agent's last heartbeat says its host has free (bytes); none known: empty. */
    default Map<String, Long> memoryFree() {
        return Map.of();
    }

    /** No heartbeats: agents are known dead only by their sessions' end. */
    static AgentLiveness sessionsOnly() {
        return new AgentLiveness() {
            @Override
            public Set<String> silent() {
                return Set.of();
            }

            @Override
            public boolean settled() {
                return true;
            }
        };
    }
}
