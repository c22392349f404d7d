package dev.skep.supervise;

import dev.skep.model.HostMemory;
import dev.skep.model.Labels;
import dev.skep.model.limits.ResourceLimits;
import java.util.Map;

/**
 * What an agent tells the scheduler about its host when it registers, for placement and {@code skep agents}.
 *
 * @param memoryBytes    the memory skep's apps may have on this host (its heartbeats say how much of it is free)
 * @param instanceMemory what a new instance needs free here: the memory limit the agent holds instances to
 * @param cpus           the host's CPUs
 * @param labels         what apps' constraints match ({@code zone=a})
 */
public record AgentResources(long memoryBytes, long instanceMemory, int cpus, Map<String, String> labels) {

    /** What an instance needs free where no memory limit is set (the install default of {@code --app-memory}). */
    public static final long DEFAULT_INSTANCE_MEMORY = ResourceLimits.defaults().memoryBytes();

    public AgentResources {
        if (memoryBytes < 0 || instanceMemory < 0 || cpus < 0) {
            throw new IllegalArgumentException("memory, instance memory and cpus must be >= 0");
        }
        labels = Labels.check("label", labels);
    }

    /**
     * This host's as the JVM sees them (a container's limits where it runs in one).
     *
     * @param memoryOverride the memory apps may have instead of the host's total, or 0 for the host's
     * @param instanceMemory what a new instance needs free, or 0 for {@link #DEFAULT_INSTANCE_MEMORY}
     */
    public static AgentResources detect(long memoryOverride, long instanceMemory, Map<String, String> labels) {
        long total = memoryOverride > 0 ? memoryOverride : HostMemory.total();
        return new AgentResources(total, instanceMemory > 0 ? instanceMemory : DEFAULT_INSTANCE_MEMORY,
                Runtime.getRuntime().availableProcessors(), labels);
    }
}
