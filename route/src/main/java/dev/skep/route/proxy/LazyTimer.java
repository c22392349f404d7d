package dev.skep.route.proxy;

import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timeout that is armed and disarmed on every request and fires rarely, for one event loop.
 * Arming only moves a deadline; one task stays scheduled and, when it runs early (the deadline moved
 * or the timer was disarmed and armed again), schedules itself for what remains. So the hot path
 * costs a clock read, not a schedule and a cancel in the loop's task queue per request.
 */
final class LazyTimer {

    private final EventExecutor loop;
    private final Runnable onExpiry;
    private ScheduledFuture<?> task;
    private long taskAt;
    private long deadline;
    private boolean armed;

    LazyTimer(EventExecutor loop, Runnable onExpiry) {
        this.loop = loop;
        this.onExpiry = onExpiry;
    }

    /** Starts (or restarts) the countdown: expiry runs after {@code nanos} unless disarmed first. */
    void arm(long nanos) {
        deadline = System.nanoTime() + nanos;
        armed = true;
        if (task != null && deadline - taskAt < 0) { // a shorter timeout than the one scheduled
            task.cancel(false);
            task = null;
        }
        if (task == null) {
            schedule(nanos);
        }
    }

    private void schedule(long nanos) {
        taskAt = System.nanoTime() + nanos;
        task = loop.schedule(this::due, nanos, TimeUnit.NANOSECONDS);
    }

    boolean armed() {
        return armed;
    }

    void disarm() {
        armed = false;
    }

    /** Disarms and drops the scheduled task, for a connection that closed. */
    void stop() {
        armed = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void due() {
        task = null;
        if (!armed) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        armed = false;
        onExpiry.run();
    }
}
