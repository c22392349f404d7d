package dev.skep.supervise;

import dev.skep.model.ChangeFeed;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of the orphan stop, on a thread of its own: every second while the agent lives the lease is
 * renewed ({@link OrphanWatchdog}), and while ZooKeeper is unreachable the instances a controller says are no longer
 * ours (moved while we were cut off) are stopped; when no controller can say (a general outage), everything keeps
 * running.
 */
final class OrphanLease implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(OrphanLease.class);
    /** While ZooKeeper is unreachable, how often the controllers are asked whether the instances are still ours. */
    static final Duration ASSIGNMENT_CHECK_EVERY = Duration.ofSeconds(2);

    private final String agentId;
    private final OrphanWatchdog watchdog;
    private final ChangeFeed feed;
    private final AssignmentCheck check;
    private final Supplier<Collection<InstanceRunner>> runners;
    private final BooleanSupplier alive;

    /**
     * @param runners the agent's runners as they are now
     * @param alive   true while the agent lives; the loop ends when it turns false or the thread is interrupted
     */
    OrphanLease(String agentId, OrphanWatchdog watchdog, ChangeFeed feed, AssignmentCheck check,
                Supplier<Collection<InstanceRunner>> runners, BooleanSupplier alive) {
        this.agentId = agentId;
        this.watchdog = watchdog;
        this.feed = feed;
        this.check = check;
        this.runners = runners;
        this.alive = alive;
    }

    @Override
    public void run() {
        long lastCheck = 0;
        while (alive.getAsBoolean()) {
            try {
                watchdog.renew();
                long now = System.nanoTime();
                if (!feed.reachable() && now - lastCheck >= ASSIGNMENT_CHECK_EVERY.toNanos()) {
                    lastCheck = now;
                    check.assigned(agentId).ifPresent(this::stopUnassigned);
                }
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("event=orphan.check-failed agent={} error=\"{}\" next=\"retried in 1 s\"", agentId,
                        e.toString());
            }
        }
    }

    private void stopUnassigned(Set<String> assigned) {
        for (InstanceRunner runner : runners.get()) {
            if (!assigned.contains(runner.instance()) && !runner.stopRequested()) {
                log.warn("event=orphan.stop agent={} instance={} reason=\"cut off from ZooKeeper, and a controller says "
                        + "the instance is no longer assigned here (moved meanwhile)\"", agentId, runner.instance());
                runner.stop();
            }
        }
    }
}
