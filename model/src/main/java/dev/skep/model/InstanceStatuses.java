package dev.skep.model;

import java.util.List;

/** What each instance is doing, written (ephemeral) by the agent that runs it. A view of {@link ClusterState}. */
public interface InstanceStatuses {

    List<InstanceStatus> instances();

    /** One app's instances: for loops that wait on an app, without reading every other app's. */
    default List<InstanceStatus> instances(AppId app) {
        return instances().stream().filter(i -> i.app().equals(app)).toList();
    }

    /**
     * One app's instances as this process's watch-fed view last saw them: a moment behind the state at most, and no
     * round trip. For loops that wait on a {@link ChangeFeed}, which wakes them after every change of anything (the
     * view has the change by then): reading the state itself there made every change cost each waiting deploy a
     * few round trips. A state with no such view answers {@link #instances(AppId)}.
     */
    default List<InstanceStatus> instancesSeen(AppId app) {
        return instances(app);
    }

    void putInstance(InstanceStatus status);

    void removeInstance(String instance);
}
