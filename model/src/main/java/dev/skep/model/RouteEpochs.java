package dev.skep.model;

import java.util.List;
import java.util.Map;

/** The routers catching up with the state, and where they take traffic. A view of {@link ClusterState}. */
public interface RouteEpochs {

    /**
     * Marks everything written so far with a new route epoch and answers it. A router that reports this
     * epoch (or a later one) routes by a state at least as new as the marker: a rollout waits for that
     * before it answers, so the caller's next request reaches the new release. 0 when not kept.
     */
    default long markRouteEpoch() {
        return 0;
    }

    /** The newest route epoch this process's cached view has seen; a router reads it before its snapshot. */
    default long routeEpochSeen() {
        return 0;
    }

    /** A router says it routes by the state up to {@code epoch}; the report goes with the router's session. */
    default void reportRoutesApplied(String routerId, long epoch) {
    }

    /** Each live router's last reported epoch, by router id; empty when no router reports. */
    default Map<String, Long> routesApplied() {
        return Map.of();
    }

    /**
     * Registers where this router takes traffic, for as long as its session lives (an edge reads the live routers
     * from here). Called once the router routes by the state, so an edge never sends traffic to an empty table.
     */
    default void registerRouter(RouterEndpoint endpoint) {
    }

    /** The live routers' endpoints, by id; empty when none registered or not kept. */
    default List<RouterEndpoint> routers() {
        return List.of();
    }
}
