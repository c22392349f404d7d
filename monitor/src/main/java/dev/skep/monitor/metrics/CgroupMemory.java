package dev.skep.monitor.metrics;

import dev.skep.model.CgroupMounts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The memory figures of an instance's own cgroup, the one the agent made for it ({@code skep/<instance>} in the
 * memory hierarchy): found from the process's {@code /proc/<pid>/cgroup}, so a process outside such a cgroup
 * (skep run as an ordinary user, a host without cgroups) has none. Reads cgroup v2's {@code memory.current} and
 * {@code memory.max}, or v1's {@code memory.usage_in_bytes} and {@code memory.limit_in_bytes}.
 */
public final class CgroupMemory {

    /** @param limitBytes -1 when the cgroup has no limit */
    public record Figures(long usageBytes, long limitBytes) {
    }

    /** Where an instance's memory figures are, found once per process. */
    private record Dir(long pid, Path dir, boolean v2) {
    }

    private static final long UNLIMITED = 1L << 62; // v1 says "no limit" with a huge number near Long.MAX_VALUE

    private final Path proc;
    private final Path v2Mount;
    private final Path v1MemoryMount;
    private final Map<String, Dir> dirs = new ConcurrentHashMap<>();

    /**
     * @param v2Mount       the cgroup2 mount point, or null
     * @param v1MemoryMount the mount point of the v1 memory controller, or null
     */
    public CgroupMemory(Path proc, Path v2Mount, Path v1MemoryMount) {
        this.proc = proc;
        this.v2Mount = v2Mount;
        this.v1MemoryMount = v1MemoryMount;
    }

    /** This host's mounts, from {@code /proc/self/mountinfo}; no figures at all when it cannot be read. */
    public static CgroupMemory forThisHost() {
        try {
            return fromMountinfo(Path.of("/proc"), Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            return new CgroupMemory(Path.of("/proc"), null, null);
        }
    }

    static CgroupMemory fromMountinfo(Path proc, List<String> mountinfo) {
        CgroupMounts mounts = CgroupMounts.parse(mountinfo);
        return new CgroupMemory(proc, mounts.v2().orElse(null), mounts.v1().get("memory"));
    }

    /** The figures of the instance's own cgroup, or empty when its process {@code pid} is in none. */
    public Optional<Figures> read(String instance, long pid) {
        if (v2Mount == null && v1MemoryMount == null) {
            return Optional.empty();
        }
        Dir dir = dirs.get(instance);
        if (dir == null || dir.pid() != pid) {
            dir = find(instance, pid);
            if (dir.dir() == null) {
                // not cached: the launch moves itself into its cgroup just after it starts, and a sample
                // taken in between must not hide the cgroup for the rest of the process's life
                return Optional.empty();
            }
            dirs.put(instance, dir);
        }
        long usage = number(dir.dir().resolve(dir.v2() ? "memory.current" : "memory.usage_in_bytes"));
        if (usage < 0) {
            dirs.remove(instance); // the cgroup went away: look again next time
            return Optional.empty();
        }
        long limit = number(dir.dir().resolve(dir.v2() ? "memory.max" : "memory.limit_in_bytes"));
        return Optional.of(new Figures(usage, limit >= UNLIMITED ? -1 : limit));
    }

    /** Forgets what it found for an instance that is gone. */
    public void forget(String instance) {
        dirs.remove(instance);
    }

    /** The line of /proc/PID/cgroup whose path ends in skep/INSTANCE: "N:memory:/skep/i" (v1) or "0::/skep/i" (v2). */
    private Dir find(String instance, long pid) {
        String own = "/skep/" + instance;
        try {
            for (String line : Files.readAllLines(proc.resolve(pid + "/cgroup"), StandardCharsets.US_ASCII)) {
                String[] f = line.split(":", 3);
                if (f.length < 3 || !f[2].endsWith(own)) {
                    continue;
                }
                // the agent makes skep/INSTANCE right under the mount point (the path above it differs in a container)
                // a hybrid host's unified skep/INSTANCE only carries the bind guard: no memory controller there
                Path v2 = v2Mount == null ? null : v2Mount.resolve("skep").resolve(instance);
                if (f[1].isEmpty() && v2 != null && Files.exists(v2.resolve("memory.current"))) {
                    return new Dir(pid, v2, true);
                }
                if (List.of(f[1].split(",")).contains("memory") && v1MemoryMount != null) {
                    return new Dir(pid, v1MemoryMount.resolve("skep").resolve(instance), false);
                }
            }
        } catch (IOException e) {
            // gone, or not readable: no figures
        }
        return new Dir(pid, null, false);
    }

    /** The number in a one-line cgroup file; Long.MAX_VALUE for "max"; -1 when unreadable. */
    private static long number(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
