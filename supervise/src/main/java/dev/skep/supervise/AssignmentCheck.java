package dev.skep.supervise;

import java.util.Optional;
import java.util.Set;

/**
 * Who can say, while this agent cannot reach ZooKeeper, which instances are still its own: the controllers, when
 * they reach the state themselves. An agent cut off alone may have had its work moved elsewhere meanwhile; one cut
 * off with everybody else (a ZooKeeper outage) has not, and keeps running everything (static stability).
 */
@FunctionalInterface
public interface AssignmentCheck {

    /** The instances assigned to {@code agentId} now, or empty when nobody who knows can be asked. */
    Optional<Set<String>> assigned(String agentId);

    static AssignmentCheck nobody() {
        return agentId -> Optional.empty();
    }
}
