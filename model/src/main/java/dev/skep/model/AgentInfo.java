package dev.skep.model;

import java.time.Instant;
import java.util.Map;

/**
 * A host that runs instances; its node vanishes with its ZooKeeper session.
 *
 * @param capacity       how many instances the scheduler may place here
 * @param memoryBytes    memory the scheduler may hand out here (the host's, or what {@code --memory} says); 0 when an
 *                       older agent did not say: then memory is not checked
 * @param instanceMemory what each instance placed here reserves of it: the memory limit the agent holds every
 *                       instance to (0: unknown, not checked)
 * @param cpus           the host's CPUs, for people reading {@code skep agents}
 * @param labels         what constraints match ({@code skep agent --label zone=a}); none when absent
 */
public record AgentInfo(String id, String host, int capacity, String version, Instant started, long memoryBytes,
                        long instanceMemory, int cpus, Map<String, String> labels) {

    @com.fasterxml.jackson.annotation.JsonCreator // the canonical one, not the shorter one below
    public AgentInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** An agent that says nothing of its memory, CPUs or labels (as before placement looked at them). */
    public AgentInfo(String id, String host, int capacity, String version, Instant started) {
        this(id, host, capacity, version, started, 0, 0, 0, Map.of());
    }

    /** True when an instance placed here would still fit in memory with {@code placed} instances already here. */
    public boolean fitsMemory(int placed) {
        return memoryBytes <= 0 || instanceMemory <= 0 || (placed + 1L) * instanceMemory <= memoryBytes;
    }
}
