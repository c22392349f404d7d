package dev.skep.state;

import dev.skep.model.HeartbeatPace;

/**
 * The heartbeat paces a watcher has seen lately, and the silence that covers an agent still beating at any of them.
 * A slower pace counts at once (the leader applies it here before it publishes it, so no agent slows before its
 * watcher allows for it); a faster one replaces the slower only after the slower's own silence has passed, time for
 * every agent to hear of it and beat at the new pace: an agent beating at the old rate during a change is never
 * silent. Times are a monotonic clock's nanoseconds, passed in (a test drives them).
 */
final class PaceWindow {

    private HeartbeatPace current;
    private HeartbeatPace held; // the slowest pace left behind within its hold, or null
    private long heldUntil;

    PaceWindow(HeartbeatPace initial) {
        this.current = initial;
    }

    /** {@code pace} is (about to be) the published one as of {@code now}. */
    synchronized void seen(HeartbeatPace pace, long now) {
        if (pace.equals(current)) {
            return;
        }
        HeartbeatPace left = slower(current, heldAt(now));
        if (left.interval().compareTo(pace.interval()) > 0) {
            held = left;
            heldUntil = now + left.silence().toNanos();
        }
        current = pace;
    }

    /** The pace agents are asked to beat at now. */
    synchronized HeartbeatPace current() {
        return current;
    }

    /** How long a beat may stay unchanged as of {@code now}: the slowest pace still held. */
    synchronized long silenceNanos(long now) {
        return slower(current, heldAt(now)).silence().toNanos();
    }

    private HeartbeatPace heldAt(long now) {
        return held != null && now - heldUntil < 0 ? held : null;
    }

    private static HeartbeatPace slower(HeartbeatPace a, HeartbeatPace b) {
        return b == null || a.interval().compareTo(b.interval()) >= 0 ? a : b;
    }
}
