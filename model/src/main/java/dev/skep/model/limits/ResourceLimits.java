package dev.skep.model.limits;

/**
 * What one instance may use: memory (bytes, swap included), processes and threads, a CPU share
 * (cgroup v1 {@code cpu.shares}: 1024 is one ordinary process's due), open files, and the largest file it may write
 * ({@code RLIMIT_FSIZE}, 0 for no bound; a write past it ends the process with SIGXFSZ).
 */
public record ResourceLimits(long memoryBytes, int pids, int cpuShares, int openFiles, long maxFileBytes) {

    public static final long MIB = 1024L * 1024;

    public ResourceLimits {
        if (memoryBytes < 16 * MIB) {
            throw new IllegalArgumentException("memory limit must be >= 16 MiB, found " + memoryBytes + " bytes");
        }
        if (pids < 8) {
            throw new IllegalArgumentException("pids limit must be >= 8, found " + pids);
        }
        if (cpuShares < 2 || cpuShares > 262_144) {
            throw new IllegalArgumentException("cpu shares must be 2-262144, found " + cpuShares);
        }
        if (openFiles < 64 || openFiles > 1_048_576) {
            throw new IllegalArgumentException("open files must be 64-1048576, found " + openFiles);
        }
        if (maxFileBytes < 0) {
            throw new IllegalArgumentException("the file size limit must be >= 0 (0: none), found " + maxFileBytes);
        }
    }

    /** No bound on the size of a file. */
    public ResourceLimits(long memoryBytes, int pids, int cpuShares, int openFiles) {
        this(memoryBytes, pids, cpuShares, openFiles, 0);
    }

    /** These limits with the largest file the instance may write (0: none). */
    public ResourceLimits withMaxFileBytes(long bytes) {
        return new ResourceLimits(memoryBytes, pids, cpuShares, openFiles, bytes);
    }

    /** The install defaults: 512 MiB, 256 processes/threads, an ordinary CPU share, 4096 open files. */
    public static ResourceLimits defaults() {
        return new ResourceLimits(512 * MIB, 256, 1024, 4096);
    }

    /** cgroup v2's cpu.weight (1-10000, 100 ordinary) for a v1 share (2-262144, 1024 ordinary). */
    public int cpuWeight() {
        return (int) Math.max(1, Math.min(10_000, 1 + ((cpuShares - 2L) * 9999) / 262_142));
    }

    /** "512 MiB". */
    public String memoryText() {
        return memoryBytes % MIB == 0 ? memoryBytes / MIB + " MiB" : memoryBytes + " bytes";
    }

    @Override
    public String toString() {
        return "memory=" + memoryText().replace(" ", "") + " pids=" + pids + " cpu_shares=" + cpuShares
                + " open_files=" + openFiles + (maxFileBytes > 0 ? " max_file=" + (maxFileBytes % MIB == 0
                ? maxFileBytes / MIB + "MiB" : maxFileBytes + "B") : "");
    }
}
