package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/**
 * An app's recent figures ({@code GET /v1/apps/{user}/{app}/metrics}): per instance the samples of the last
 * hour (oldest first) and the router's traffic to it, and the router's traffic for the app.
 */
public record MetricsView(String app, List<InstanceMetrics> instances, Traffic traffic) {

    /** @param traffic the router's requests to this instance; null when it has seen none */
    public record InstanceMetrics(String instance, List<Sample> samples, InstanceTraffic traffic) {

        public InstanceMetrics(String instance, List<Sample> samples) {
            this(instance, samples, null);
        }
    }

    /**
     * One sample: CPU % of one core, resident memory of the process tree, open files; and where the instance runs
     * in a cgroup of its own, the cgroup's memory use (page cache included) and limit (null otherwise; the limit
     * is null too when the cgroup has none).
     */
    public record Sample(Instant time, double cpuPercent, long rssBytes, int openFiles, int processes, int restarts,
                         long uptimeSeconds, Long cgroupMemoryBytes, Long cgroupMemoryLimitBytes) {

        public Sample(Instant time, double cpuPercent, long rssBytes, int openFiles, int processes, int restarts,
                      long uptimeSeconds) {
            this(time, cpuPercent, rssBytes, openFiles, processes, restarts, uptimeSeconds, null, null);
        }
    }

    /**
     * Counters since the router started, and the request rate over the last sampling interval.
     */
    public record Traffic(long requests, long status2xx, long status3xx, long status4xx, long status5xx,
                          double requestsPerSecond, double p50Millis, double p99Millis) {
    }

    /** The router's requests to one instance since it started, and their rate over the last sampling interval. */
    public record InstanceTraffic(long requests, long status5xx, double requestsPerSecond) {
    }
}
