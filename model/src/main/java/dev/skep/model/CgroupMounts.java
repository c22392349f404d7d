package dev.skep.model;

import dev.skep.model.fs.MountInfo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the cgroup hierarchies are mounted, read from {@code /proc/self/mountinfo} text: the cgroup2
 * mount, and each cgroup v1 controller's mount (for the agent's limits and the monitor's memory
 * figures). Pure parsing, no I/O.
 */
public record CgroupMounts(Optional<Path> v2, Map<String, Path> v1) {

    public static CgroupMounts parse(List<String> mountinfo) {
        Path v2 = null;
        Map<String, Path> v1 = new HashMap<>();
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3) {
                continue;
            }
            Path mountPoint = Path.of(MountInfo.unescape(before[4]));
            switch (after[0]) {
                case "cgroup2" -> {
                    // the real unified hierarchy sits at /sys/fs/cgroup; a hybrid host's extra one does not count first
                    if (v2 == null || mountPoint.equals(Path.of("/sys/fs/cgroup"))) {
                        v2 = mountPoint;
                    }
                }
                case "cgroup" -> {
                    for (String option : after[2].split(",")) {
                        if (option.equals("memory") || option.equals("pids") || option.equals("cpu")) {
                            v1.putIfAbsent(option, mountPoint);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return new CgroupMounts(Optional.ofNullable(v2), Map.copyOf(v1));
    }
}
