package dev.skep.model.concurrent;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs a job every period on a virtual thread of its own until closed: the first run one period after the start,
 * then one period after each run ends (a slow run delays the next, runs never pile up). A run that throws a
 * RuntimeException goes to {@code onFailure} and the loop goes on: a failed pass (a state read, a refresh) is tried
 * again by the next one. For what no change notification tells (time passing); a job that reacts to changes runs
 * through {@link CoalescingWorker}.
 */
public final class PeriodicTask implements AutoCloseable {

    private final Duration period;
    private final Runnable job;
    private final Consumer<RuntimeException> onFailure;
    /** Set by {@link #close()}: ends the loop even when a run swallowed the interrupt. */
    private volatile boolean closed;
    private final Thread thread;

    private PeriodicTask(String name, Duration period, Runnable job, Consumer<RuntimeException> onFailure) {
        this.period = period;
        this.job = Objects.requireNonNull(job, "job");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.thread = Thread.ofVirtual().name(name).unstarted(this::loop);
    }

    /** @param name the thread's name, as thread dumps show it */
    public static PeriodicTask start(String name, Duration period, Runnable job, Consumer<RuntimeException> onFailure) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a periodic task's period must be positive, not " + period);
        }
        PeriodicTask task = new PeriodicTask(name, period, job, onFailure);
        task.thread.start();
        return task;
    }

    private void loop() {
        while (!closed && !Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return; // closed
            }
            if (closed) {
                return;
            }
            try {
                job.run();
            } catch (RuntimeException e) {
                onFailure.accept(e);
            }
        }
    }

    /** Stops the loop: a run under way is interrupted, no run starts after this. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
