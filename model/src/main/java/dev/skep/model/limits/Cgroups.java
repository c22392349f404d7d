package dev.skep.model.limits;

import java.util.List;
import java.util.Optional;

/** Makes a cgroup slot per instance (and per build), with the limits applied: v2, v1, or none. */
public interface Cgroups {

    /** "cgroup v2 at /sys/fs/cgroup", "cgroup v1 (memory, pids, cpu)", or why there are none. */
    String describe();

    /**
     * A slot for the instance with the limits written, or empty when this host has no usable cgroups. While the
     * {@link #bindGuard} is on, its processes may bind {@code port} and port 0 only (port 0: only port 0, as a
     * build); a guard that cannot be attached fails the slot, as a limit that cannot be written does.
     */
    Optional<CgroupSlot> slot(String instance, ResourceLimits limits, int port);

    /** What keeps the slots' processes to their own port, or why nothing does. */
    BindGuard bindGuard();

    /**
     * Kills every process in the slots whose names start with {@code prefix} and removes them: what a
     * previous run left behind when it died mid-way (a build's slot after a kill -9). Returns their names.
     */
    List<String> sweep(String prefix);

    /** No cgroups: limits other than open files are not enforced. */
    static Cgroups none(String why) {
        return new Cgroups() {
            @Override
            public String describe() {
                return "none (" + why + ")";
            }

            @Override
            public Optional<CgroupSlot> slot(String instance, ResourceLimits limits, int port) {
                return Optional.empty();
            }

            @Override
            public BindGuard bindGuard() {
                return BindGuard.off("no cgroups: " + why);
            }

            @Override
            public List<String> sweep(String prefix) {
                return List.of();
            }
        };
    }
}
