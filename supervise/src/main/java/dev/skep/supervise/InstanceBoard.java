package dev.skep.supervise;

import dev.skep.model.InstanceStatus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statuses of the instances one agent runs, as their runners last published them. Made before the agent, so a
 * reader in the same process (the monitor's sampler, every interval) has it from the start without a read of the
 * state store per instance.
 */
public final class InstanceBoard {

    private final Map<String, InstanceStatus> statuses = new ConcurrentHashMap<>();

    void put(InstanceStatus status) {
        statuses.put(status.instance(), status);
    }

    void remove(String instance) {
        statuses.remove(instance);
    }

    /** What runs here now, in no particular order. */
    public List<InstanceStatus> all() {
        return List.copyOf(statuses.values());
    }
}
