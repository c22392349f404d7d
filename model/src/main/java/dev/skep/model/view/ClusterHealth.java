package dev.skep.model.view;

import java.util.List;

/**
 * The cluster beyond its agents, as {@code GET /v1/cluster} shows it to an admin.
 *
 * @param stateReachable false while the state store (ZooKeeper) is cut off: what skep shows is its last known state
 *                       and it accepts no changes
 * @param routeEpoch     the newest route change published
 * @param routers        every live router: where it takes traffic (when it registered for an edge) and the route
 *                       change it last applied (null: it has not reported one)
 */
public record ClusterHealth(boolean stateReachable, long routeEpoch, List<Router> routers) {

    public record Router(String id, String host, Integer port, Integer httpsPort, Long routeEpochApplied) {
    }
}
