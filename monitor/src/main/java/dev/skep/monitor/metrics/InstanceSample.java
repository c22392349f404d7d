package dev.skep.monitor.metrics;

import dev.skep.model.AppId;

import java.time.Instant;
import java.util.Map;

/**
 * What the sampler saw of one instance at one moment: its process tree plus the agent's figures.
 *
 * @param cpuPercent % of one core over the last interval (0 on the first sample of a process)
 */
public record InstanceSample(Instant time, AppId app, String instance, long pid, int processes, double cpuPercent,
                             long rssBytes, int openFiles, int restarts, long uptimeSeconds) {

    public static final String CPU_PERCENT = "cpu_percent";
    public static final String RSS_BYTES = "rss_bytes";
    public static final String RSS_MB = "rss_mb";
    public static final String OPEN_FILES = "open_files";
    public static final String PROCESSES = "processes";
    public static final String RESTARTS = "restarts";
    public static final String UPTIME_SECONDS = "uptime_seconds";

    /** The figures by the metric names rules use ({@code rss_mb} is MiB). */
    public Map<String, Double> metrics() {
        return Map.of(CPU_PERCENT, cpuPercent, RSS_BYTES, (double) rssBytes, RSS_MB, rssBytes / 1048576.0,
                OPEN_FILES, (double) openFiles, PROCESSES, (double) processes, RESTARTS, (double) restarts,
                UPTIME_SECONDS, (double) uptimeSeconds);
    }
}
