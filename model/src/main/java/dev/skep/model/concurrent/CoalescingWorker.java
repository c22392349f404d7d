package dev.skep.model.concurrent;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a job on a thread of its own after something changed: pokes that come while a run is queued make that one
 * run, so a burst of changes costs one run, and the job always sees the latest state (it reads it when it starts,
 * after the poke). The scheduler, the route feed and the edge watch react to the cluster state this way.
 * The job handles its own failures; a poke after {@link #close()} does nothing.
 */
public final class CoalescingWorker implements AutoCloseable {

    private final Runnable job;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean pending = new AtomicBoolean();

    /** @param name the thread's name, as thread dumps show it */
    public CoalescingWorker(String name, Runnable job) {
        this.job = job;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name(name).daemon()
                .unstarted(r));
    }

    /** Asks for a run; many pokes while one is queued make one run. */
    public void poke() {
        if (pending.compareAndSet(false, true)) {
            try {
                thread.execute(this::run);
            } catch (RejectedExecutionException closed) {
                pending.set(false);
            }
        }
    }

    /** A poke after this delay: a retry when nothing else changes meanwhile. */
    public void pokeIn(Duration delay) {
        try {
            thread.schedule(this::poke, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // stopping
        }
    }

    /** A poke now and then every period, for what no change notification tells (time passing). */
    public void pokeEvery(Duration period) {
        thread.scheduleWithFixedDelay(this::poke, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        pending.set(false); // a change from now on asks for another run, which reads it
        job.run();
    }

    /** Stops the thread, interrupting a run. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
