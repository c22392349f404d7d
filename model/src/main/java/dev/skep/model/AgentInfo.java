package dev.skep.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.Map;

/**
 * A host that runs instances; its node vanishes with its ZooKeeper session.
 *
 * @param capacity       how many instances the scheduler may place here
 * @param memoryBytes    the host's memory (or what {@code --memory} says); 0 when an older agent did not say
 * @param instanceMemory what each instance placed here may use: the memory limit the agent holds instances to (0:
 *                       unknown, memory not checked)
 * @param memoryFree     memory available on the host now (MemAvailable, capped by {@code --memory}): as registered, then
 *                       refreshed by the controller from the agent's heartbeats; 0: unknown, memory not checked
 * @param cpus           the host's CPUs, for people reading {@code skep agents}
 * @param labels         what constraints match ({@code skep agent --label zone=a}); none when absent
 */
public record AgentInfo(String id, String host, int capacity, String version, Instant started, long memoryBytes,
                        long instanceMemory, int cpus, Map<String, String> labels, long memoryFree) {

    @JsonCreator // the canonical one, not the shorter one below
    public AgentInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** An agent that says nothing of its memory, CPUs or labels (as before placement looked at them). */
    public AgentInfo(String id, String host, int capacity, String version, Instant started) {
        this(id, host, capacity, version, started, 0, 0, 0, Map.of(), 0);
    }

    /** This agent with {@code bytes} free now (from its heartbeat). */
    public AgentInfo withMemoryFree(long bytes) {
        return new AgentInfo(id, host, capacity, version, started, memoryBytes, instanceMemory, cpus, labels, bytes);
    }

    /** True when what is known of its memory is enough to check an instance against it. */
    public boolean memoryKnown() {
        return memoryFree > 0 && instanceMemory > 0;
    }
}
