package dev.skep.monitor.react;

import dev.skep.monitor.rules.Alert;

/**
 * Sends one alert somewhere. May block (it runs on its own thread in the {@link ReactorDispatcher}) and throws
 * when delivery failed; the dispatcher retries.
 */
public interface Reactor {

    /** The name rules use in {@code "reactors":[...]}: "mail", "webhook", "log". */
    String name();

    void deliver(Alert alert) throws Exception;

    /** {@code alerts test}: deliver now, on the caller's thread, and throw if it failed. */
    default void test(Alert alert) throws Exception {
        deliver(alert);
    }

    /** Stops whatever the reactor runs of its own. */
    default void close() {
    }
}
