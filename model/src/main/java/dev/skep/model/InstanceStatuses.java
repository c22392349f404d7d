package dev.skep.model;

import java.util.List;

/** What each instance is doing, written (ephemeral) by the agent that runs it. A view of {@link ClusterState}. */
public interface InstanceStatuses {

    List<InstanceStatus> instances();

    /** One app's instances: for loops that wait on an app, without reading every other app's. */
    default List<InstanceStatus> instances(AppId app) {
        return instances().stream().filter(i -> i.app().equals(app)).toList();
    }

    void putInstance(InstanceStatus status);

    void removeInstance(String instance);
}
