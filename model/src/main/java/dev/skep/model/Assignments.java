package dev.skep.model;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Which agent runs which instance: written by the scheduler, read by the agents. A view of {@link ClusterState}. */
public interface Assignments {

    List<Assignment> assignments();

    List<Assignment> assignments(String agentId);

    /** The ids of the instances assigned to an agent: one read, for a reconcile loop that knows most of them. */
    default List<String> assignedInstances(String agentId) {
        return assignments(agentId).stream().map(Assignment::instance).toList();
    }

    /** One assignment of an agent, if it is (still) there. */
    default Optional<Assignment> assignment(String agentId, String instance) {
        return assignments(agentId).stream().filter(a -> a.instance().equals(instance)).findFirst();
    }

    void putAssignment(Assignment assignment);

    void removeAssignment(String agentId, String instance);

    /**
     * A scheduler pass's placements and withdrawals. A store that can write them together does (one round trip
     * for many instances: placing thousands one synchronous write at a time took minutes on a busy ensemble).
     * Each is written as {@link #putAssignment} and {@link #removeAssignment} would; {@code written} hears each
     * once its write is done, so after a failure the caller knows which made it.
     */
    default void writeAssignments(List<Assignment> put, List<Assignment> withdraw, Consumer<Assignment> written) {
        for (Assignment a : put) {
            putAssignment(a);
            written.accept(a);
        }
        for (Assignment a : withdraw) {
            removeAssignment(a.agent(), a.instance());
            written.accept(a);
        }
    }
}
