package dev.skep.api;

import io.javalin.config.RoutesConfig;

/**
 * A group of routes (deploys, apps, logs, drones, monitor, users ...), all behind the same auth. Here, below the
 * route packages, so that they implement it without needing the server that registers them.
 */
@FunctionalInterface
public interface Routes {
    void register(RoutesConfig routes);
}
