package dev.skep.model.view;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An agent as {@code GET /v1/agents} shows it. {@code state}: "ready", "draining" (takes no new work, its instances
 * move away), "silent" (registered, but its heartbeat stopped: its instances are being moved), "lost" (its node is
 * gone and it still has assignments). Memory: the host's (or its {@code --memory}), what is used of it and free as of
 * its last heartbeat; an instance needs {@code instanceMemoryBytes} (its limit) free to be placed there. 0 where the
 * agent did not say.
 *
 * @param pinned apps whose volumes are on this agent: they run only there and do not move when it drains
 */
public record AgentView(String id, String host, String state, int instances, long memoryBytes, long memoryUsedBytes,
                        long memoryFreeBytes, long instanceMemoryBytes, int cpus, Map<String, String> labels,
                        String version, Instant started, List<String> pinned) {

    /** The same agent in {@code newState} (a drain just written, which the state's cache may not show yet). */
    public AgentView withState(String newState) {
        return new AgentView(id, host, newState, instances, memoryBytes, memoryUsedBytes, memoryFreeBytes,
                instanceMemoryBytes, cpus, labels, version, started, pinned);
    }
}
