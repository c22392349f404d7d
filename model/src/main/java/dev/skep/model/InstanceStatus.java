package dev.skep.model;

import java.time.Instant;

/**
 * What an agent observes of one instance; written by that agent only.
 *
 * @param since     when the current process started (or the state was entered)
 * @param lastExit  how the previous process ended, e.g. "code 1" or "signal 9", or null
 */
public record InstanceStatus(String instance, AppId app, int release, String agent, String host, int port,
                             long pid, InstanceState state, Instant since, int restarts, String lastExit,
                             String message) {

    public boolean ready() {
        return state == InstanceState.READY;
    }
}
