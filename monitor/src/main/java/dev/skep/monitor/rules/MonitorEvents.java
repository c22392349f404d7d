package dev.skep.monitor.rules;

/** Event types the monitor itself emits. */
public final class MonitorEvents {
    public static final String ALERT_FIRED = "alert.fired";
    public static final String ALERT_RESOLVED = "alert.resolved";
    public static final String REACTOR_FAILED = "reactor.failed";

    private MonitorEvents() {
    }

    /** The monitor's own events are never judged by rules: an alert about an alert would loop. */
    public static boolean isOwn(String type) {
        return type != null && (type.startsWith("alert.") || type.startsWith("reactor."));
    }
}
