package dev.skep.model.limits;

import java.util.List;
import java.util.Optional;

/** Makes a cgroup slot per instance (and per build), with the limits applied: v2, v1, or none. */
public interface Cgroups {

    /** "cgroup v2 at /sys/fs/cgroup", "cgroup v1 (memory, pids, cpu)", or why there are none. */
    String describe();

    /** A slot for the instance with the limits written, or empty when this host has no usable cgroups. */
    Optional<CgroupSlot> slot(String instance, ResourceLimits limits);

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
            public Optional<CgroupSlot> slot(String instance, ResourceLimits limits) {
                return Optional.empty();
            }

            @Override
            public List<String> sweep(String prefix) {
                return List.of();
            }
        };
    }
}
