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
}
