package dev.skep.route;

import dev.skep.model.AppId;

import java.util.Map;

/** What the router counted since it started, per app; the monitor module adapts it to its registry. */
public interface RouteMetrics {

    /**
     * Counters since start, and latency quantiles (time from request head to last response byte).
     * {@code requests} counts every finished request, including 1xx upgrades and 499 (client gone).
     */
    record AppTraffic(long requests, long status2xx, long status3xx, long status4xx, long status5xx,
                      double p50Millis, double p99Millis) {
    }

    Map<AppId, AppTraffic> snapshot();
}
