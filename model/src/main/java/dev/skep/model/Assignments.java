package dev.skep.model;

import java.util.List;
import java.util.Optional;

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
}
