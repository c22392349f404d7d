package dev.skep.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One timer for all expiry deadlines: armed for the earliest one it was told of, it runs a tick right then (so a
 * silence of T is judged at T, not at the next periodic tick), then arms itself for the next deadline the engine
 * knows. A deadline later than the armed one (a heartbeat that moved a silence on) costs nothing until the armed
 * one fires. Runs on the monitor's ticker, so these ticks and the periodic ones never overlap.
 */
final class DeadlineTicks {

    private final ScheduledExecutorService ticker;
    private final Clock clock;
    private final Runnable tick;
    private final Supplier<Optional<Instant>> next;
    private Instant armed;
    private ScheduledFuture<?> pending;

    /**
     * @param tick judges every rule now
     * @param next the earliest deadline not yet fired, asked after each tick
     */
    DeadlineTicks(ScheduledExecutorService ticker, Clock clock, Runnable tick, Supplier<Optional<Instant>> next) {
        this.ticker = ticker;
        this.clock = clock;
        this.tick = tick;
        this.next = next;
    }

    /** A deadline moved to {@code deadline}: arm for it when it comes before what is armed. Only schedules. */
    synchronized void at(Instant deadline) {
        if (armed != null && !deadline.isBefore(armed)) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        armed = deadline;
        long delay = Math.max(0, Duration.between(clock.instant(), deadline).toMillis() + 1);
        try {
            pending = ticker.schedule(this::fire, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            pending = null; // the monitor is stopping
        }
    }

    private void fire() {
        synchronized (this) {
            armed = null;
            pending = null;
        }
        tick.run();
        next.get().ifPresent(this::at);
    }
}
