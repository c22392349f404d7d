package dev.skep.monitor.rules;

import dev.skep.model.AppId;

import java.time.Instant;
import java.util.List;

/**
 * One notification about one alert, identified by (rule, app, instance).
 *
 * @param app       null for install-wide alerts (agent lost)
 * @param instance  the instance it is about, the host for agent alerts, or null for app-wide alerts
 * @param since     when the condition started to hold
 * @param at        when this notification was made
 * @param summary   one line for a subject: what is wrong (or was, when resolved)
 * @param reactors  names of the reactors to notify; empty means all
 */
public record Alert(String ruleId, String kind, AppId app, String instance, Status status, Instant since,
                    Instant at, String summary, List<String> reactors) {

    public enum Status {
        /** The first notification. */
        FIRING,
        /** Still holding: a reminder, at most every repeat interval. */
        REPEAT,
        /** No longer holds. */
        RESOLVED
    }

    public Alert {
        reactors = reactors == null ? List.of() : List.copyOf(reactors);
    }

    /** "alice/shop" or "install" for alerts that belong to no app. */
    public String appLabel() {
        return app == null ? "install" : app.toString();
    }

    public boolean wants(String reactor) {
        return reactors.isEmpty() || reactors.contains(reactor);
    }
}
