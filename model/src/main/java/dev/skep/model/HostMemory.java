package dev.skep.model;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

/**
 * This host's memory as the kernel tells it ({@code /proc/meminfo}: MemTotal, MemAvailable, what can be had without
 * swapping), for placement. Elsewhere the JVM's view of the OS; 0 when nothing says.
 */
public final class HostMemory {

    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private HostMemory() {
    }

    public static long total() {
        return bytes("MemTotal:", OperatingSystemMXBean::getTotalMemorySize);
    }

    public static long available() {
        return bytes("MemAvailable:", OperatingSystemMXBean::getFreeMemorySize);
    }

    /** A /proc/meminfo line's value, else (another OS) what the JVM's bean says. */
    private static long bytes(String key, ToLongFunction<OperatingSystemMXBean> otherwise) {
        long kib = meminfo(key);
        if (kib > 0) {
            return kib * 1024;
        }
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? otherwise.applyAsLong(os) : 0;
    }

    /**
     * What is free of a {@code budget} (the host's memory, or less when the operator says so): the budget less what
     * the host uses now. 0 when unknown.
     */
    public static long freeOf(long budget) {
        long total = total();
        long available = available();
        if (budget <= 0 || total <= 0 || available <= 0) {
            return 0;
        }
        return Math.max(1, budget - (total - available)); // 1, not 0: known, and nothing fits
    }

    private static long meminfo(String key) {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a /proc we may not read: the JVM's view then
        }
        return 0;
    }
}
