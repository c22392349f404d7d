package dev.skep.monitor.heartbeat;

import dev.skep.model.AppId;

/** Hears valid heartbeats (the alert engine's {@code onHeartbeat}). Must be quick. */
@FunctionalInterface
public interface HeartbeatListener {
    void beat(AppId app, String instance);
}
