package dev.skep.monitor.metrics;

import dev.skep.model.AppId;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the sampler saw of one instance at one moment: its process tree plus the agent's figures, and the memory
 * of its cgroup where the agent put it in one of its own.
 *
 * @param cpuPercent             % of one core over the last interval (0 on the first sample of a process)
 * @param cgroupMemoryBytes      the cgroup's memory use, page cache included; -1 when the instance has no cgroup
 * @param cgroupMemoryLimitBytes the cgroup's memory limit; -1 when it has no cgroup or no limit
 */
public record InstanceSample(Instant time, AppId app, String instance, long pid, int processes, double cpuPercent,
                             long rssBytes, int openFiles, int restarts, long uptimeSeconds, long cgroupMemoryBytes,
                             long cgroupMemoryLimitBytes) {

    public static final String CPU_PERCENT = "cpu_percent";
    public static final String RSS_BYTES = "rss_bytes";
    public static final String RSS_MB = "rss_mb";
    public static final String OPEN_FILES = "open_files";
    public static final String PROCESSES = "processes";
    public static final String RESTARTS = "restarts";
    public static final String UPTIME_SECONDS = "uptime_seconds";
    public static final String CGROUP_MEMORY_MB = "cgroup_memory_mb";
    public static final String CGROUP_MEMORY_PERCENT = "cgroup_memory_percent";

    /** A sample of an instance outside any cgroup of its own. */
    public InstanceSample(Instant time, AppId app, String instance, long pid, int processes, double cpuPercent,
                          long rssBytes, int openFiles, int restarts, long uptimeSeconds) {
        this(time, app, instance, pid, processes, cpuPercent, rssBytes, openFiles, restarts, uptimeSeconds, -1, -1);
    }

    /**
     * The figures by the metric names rules use ({@code rss_mb} is MiB); {@code cgroup_memory_mb} where the
     * instance has a cgroup, {@code cgroup_memory_percent} (use over limit) where that has a limit.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> out = new HashMap<>(16);
        out.put(CPU_PERCENT, cpuPercent);
        out.put(RSS_BYTES, (double) rssBytes);
        out.put(RSS_MB, rssBytes / 1048576.0);
        out.put(OPEN_FILES, (double) openFiles);
        out.put(PROCESSES, (double) processes);
        out.put(RESTARTS, (double) restarts);
        out.put(UPTIME_SECONDS, (double) uptimeSeconds);
        if (cgroupMemoryBytes >= 0) {
            out.put(CGROUP_MEMORY_MB, cgroupMemoryBytes / 1048576.0);
            if (cgroupMemoryLimitBytes > 0) {
                out.put(CGROUP_MEMORY_PERCENT, 100.0 * cgroupMemoryBytes / cgroupMemoryLimitBytes);
            }
        }
        return out;
    }
}
