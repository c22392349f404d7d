package dev.skep.supervise;

import dev.skep.model.Assignment;

import java.time.Instant;

/**
 * What the agent writes down per running instance so that a new agent process can re-adopt it.
 * Holds the release env (secrets): the file is private to the agent (mode 0600).
 *
 * @param startTime process start time in clock ticks since boot ({@code /proc/<pid>/stat} field 22),
 *                  which tells a re-used pid from ours
 * @param uid       the uid the app runs as, or -1 when isolation is off
 */
public record InstanceRecord(Assignment assignment, long pid, long startTime, int port, int restarts,
                             Instant started, int uid, int gid) {

    public String instance() {
        return assignment.instance();
    }
}
