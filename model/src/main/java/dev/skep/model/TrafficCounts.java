package dev.skep.model;

import java.util.Map;

/**
 * What a router counted since it started, per app and per instance. The route stage counts, the monitor turns the
 * counts into rates and rule figures; this view is where the two meet without knowing each other.
 */
public interface TrafficCounts {

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
}
