package dev.skep.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This host's memory as the kernel tells it ({@code /proc/meminfo}: MemTotal, MemAvailable, what can be had without
 * swapping), for placement. Elsewhere the JVM's view of the OS; 0 when nothing says.
 */
public final class HostMemory {

    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private HostMemory() {
    }

    public static long total() {
        long kib = meminfo("MemTotal:");
        if (kib > 0) {
            return kib * 1024;
        }
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() : 0;
    }

    public static long available() {
        long kib = meminfo("MemAvailable:");
        if (kib > 0) {
            return kib * 1024;
        }
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getFreeMemorySize() : 0;
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
