package dev.skep.model.limits;

import dev.skep.model.CgroupMounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the cgroups this host offers and prepares skep's part: cgroup v2 when the unified
 * hierarchy has the memory and pids controllers, else cgroup v1 when memory, pids and cpu are
 * mounted, else none. Each needs a writable {@code skep/} directory (root, no read-only mount).
 * The {@link BindGuard} goes wherever a cgroup2 hierarchy is mounted (a hybrid host's too).
 */
public final class CgroupSetup {

    static final String CONTROLLERS = "+memory +pids +cpu";

    private CgroupSetup() {
    }

    /**
     * From this process's mount table; never throws: a host without usable cgroups gets {@link Cgroups#none}.
     * Logs (once) whether the bind guard is on.
     */
    public static Cgroups detect() {
        return detect(Set.of());
    }

    /**
     * As {@link #detect()}, with {@code closedPorts} (skep's ZooKeeper's) refused to every connect(2) of the
     * guarded processes, on any address: see {@link BindGuard}.
     */
    public static Cgroups detect(Set<Integer> closedPorts) {
        Cgroups cgroups;
        try {
            cgroups = detect(CgroupMounts.parse(Files.readAllLines(Path.of("/proc/self/mountinfo"))), closedPorts);
        } catch (IOException e) {
            cgroups = Cgroups.none("cannot read /proc/self/mountinfo: " + e.getMessage());
        }
        cgroups.bindGuard().tell();
        return cgroups;
    }

    static Cgroups detect(CgroupMounts mounts) {
        return detect(mounts, Set.of());
    }

    static Cgroups detect(CgroupMounts mounts, Set<Integer> closedPorts) {
        String v2Problem = null;
        if (mounts.v2().isPresent()) {
            Path root = mounts.v2().get();
            try {
                String controllers = Files.readString(root.resolve("cgroup.controllers"));
                if (List.of(controllers.trim().split("\\s+")).containsAll(List.of("memory", "pids"))) {
                    return v2(root, closedPorts);
                }
                v2Problem = "cgroup v2 at " + root + " lacks memory/pids (has: " + controllers.trim() + ")";
            } catch (IOException e) {
                v2Problem = "cgroup v2 at " + root + " unusable: " + e.getMessage();
            }
        }
        Optional<Path> memory = Optional.ofNullable(mounts.v1().get("memory"));
        Optional<Path> pids = Optional.ofNullable(mounts.v1().get("pids"));
        Optional<Path> cpu = Optional.ofNullable(mounts.v1().get("cpu"));
        if (memory.isPresent() && pids.isPresent() && cpu.isPresent()) {
            try {
                return new CgroupV1(Files.createDirectories(memory.get().resolve("skep")),
                        Files.createDirectories(pids.get().resolve("skep")),
                        Files.createDirectories(cpu.get().resolve("skep")),
                        mounts.v2().map(v2 -> BindGuard.detect(v2, closedPorts)).orElseGet(() -> BindGuard.off("no cgroup2 mount")));
            } catch (IOException e) {
                return Cgroups.none("cgroup v1 is not writable here (" + e.getMessage() + ")");
            }
        }
        return Cgroups.none(v2Problem != null ? v2Problem : "no cgroup v2 nor v1 memory, pids and cpu mounts");
    }

    private static Cgroups v2(Path root, Set<Integer> closedPorts) {
        try {
            Path skep = Files.createDirectories(root.resolve("skep"));
            enable(root);
            enable(skep);
            return new CgroupV2(skep, BindGuard.detect(root, closedPorts));
        } catch (IOException e) {
            return Cgroups.none("cgroup v2 at " + root + " is not writable here (" + e.getMessage() + ")");
        }
    }

    /** Lets the children of {@code dir} use memory, pids and cpu (cpu only where offered). */
    private static void enable(Path dir) throws IOException {
        String offered = Files.readString(dir.resolve("cgroup.controllers"));
        StringBuilder want = new StringBuilder();
        for (String c : List.of("memory", "pids", "cpu")) {
            if (List.of(offered.trim().split("\\s+")).contains(c)) {
                want.append(want.isEmpty() ? "" : " ").append('+').append(c);
            }
        }
        Files.writeString(dir.resolve("cgroup.subtree_control"), want.toString());
    }
}
