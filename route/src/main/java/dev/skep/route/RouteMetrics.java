package dev.skep.route;

import dev.skep.model.AppId;

import java.util.Map;
import java.util.Set;

/** What the router counted since it started, per app and per instance; the monitor adapts it to its registry. */
public interface RouteMetrics {

    /**
     * Counters since start, and latency quantiles (time from request head to last response byte).
     * {@code requests} counts every finished request, including 1xx upgrades and 499 (client gone).
     */
    record AppTraffic(long requests, long status2xx, long status3xx, long status4xx, long status5xx,
                      double p50Millis, double p99Millis) {
    }

    /**
     * Counters since start of the requests one instance answered (or was the last one tried for). Requests the
     * router answered itself (404, 503 with no instance) count for the app only.
     */
    record InstanceTraffic(AppId app, long requests, long status5xx) {
    }

    Map<AppId, AppTraffic> snapshot();

    /** Per instance id. */
    Map<String, InstanceTraffic> instances();

    /** Forgets the counters of apps and instances that are not listed (deleted apps, stopped instances). */
    void retain(Set<AppId> apps, Set<String> instances);
}
