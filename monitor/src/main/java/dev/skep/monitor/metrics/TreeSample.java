package dev.skep.monitor.metrics;

import java.time.Instant;

/**
 * A process tree summed at one moment.
 *
 * @param nanoTime  {@link System#nanoTime()} when read, for CPU over an interval
 * @param cpuTicks  utime + stime of the live members, in clock ticks
 * @param rssBytes  sum of resident memory (shared pages count once per process, like {@code ps})
 * @param openFiles sum of open file descriptors
 */
public record TreeSample(long rootPid, Instant time, long nanoTime, int processes, long cpuTicks, long rssBytes,
                         int openFiles) {
}
