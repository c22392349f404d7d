package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/**
 * An app's recent figures ({@code GET /v1/apps/{user}/{app}/metrics}): per instance the samples of the last
 * hour (oldest first), and the router's traffic for the app.
 */
public record MetricsView(String app, List<InstanceMetrics> instances, Traffic traffic) {

    public record InstanceMetrics(String instance, List<Sample> samples) {
    }

    /** One sample: CPU % of one core, resident memory of the process tree, open files. */
    public record Sample(Instant time, double cpuPercent, long rssBytes, int openFiles, int processes, int restarts,
                         long uptimeSeconds) {
    }

    /**
     * Counters since the router started, and the request rate over the last sampling interval.
     */
    public record Traffic(long requests, long status2xx, long status3xx, long status4xx, long status5xx,
                          double requestsPerSecond, double p50Millis, double p99Millis) {
    }
}
