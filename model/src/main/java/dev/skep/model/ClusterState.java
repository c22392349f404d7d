package dev.skep.model;

import java.util.List;

/**
 * The cluster's shared state: desired (apps, releases, assignments) and observed (agents, instances, routers).
 * Implemented over ZooKeeper in the state module. It is the sum of narrow views, and a stage depends on the views it
 * uses: {@link AppCatalog}, {@link Assignments}, {@link InstanceStatuses}, {@link AgentRegistry},
 * {@link RouteEpochs}, {@link ClusterSnapshots}, {@link ChangeFeed}. Only the composition root holds the whole.
 * Reads may come from a local cache that lags writes by milliseconds; {@link #onChange} tells when it moved.
 */
public interface ClusterState extends AppCatalog, Assignments, InstanceStatuses, AgentRegistry, RouteEpochs,
        ClusterSnapshots, ChangeFeed {

    /** Read piece by piece; an implementation with a cache serves it from there. */
    @Override
    default ClusterSnapshot snapshot() {
        List<AppSpec> apps = apps();
        List<Release> releases = apps.stream().flatMap(a -> releases(a.id()).stream()).toList();
        return new ClusterSnapshot(apps, releases, agents(), assignments(), instances());
    }
}
