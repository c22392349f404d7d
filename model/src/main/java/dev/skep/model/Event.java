package dev.skep.model;

import java.time.Instant;
import java.util.Map;

/**
 * One thing that happened, for operators and the monitor. Never holds a secret.
 *
 * @param type e.g. "deploy.succeeded", "instance.exited", see {@link EventTypes}
 */
public record Event(Instant time, String type, AppId app, Integer release, String instance, String host,
                    String message, Map<String, String> data) {

    public Event {
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
