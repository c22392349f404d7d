package dev.skep.model.limits;

import java.util.Optional;

/** Makes a cgroup slot per instance, with the limits applied: v2, v1, or none. */
public interface Cgroups {

    /** "cgroup v2 at /sys/fs/cgroup", "cgroup v1 (memory, pids, cpu)", or why there are none. */
    String describe();

    /** A slot for the instance with the limits written, or empty when this host has no usable cgroups. */
    Optional<CgroupSlot> slot(String instance, ResourceLimits limits);

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
        };
    }
}
