package dev.skep.server;

import dev.skep.deploy.release.RolloutRecovery;
import dev.skep.model.ClusterState;
import dev.skep.model.EventSink;
import dev.skep.model.RolloutOwners;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, every {@link #EVERY}: rollouts no live controller claims (their controller died during them) are
 * recovered (see {@link RolloutRecovery}). A rollout another controller runs is never touched, whoever leads.
 */
final class RolloutJanitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RolloutJanitor.class);
    static final Duration EVERY = Duration.ofSeconds(2);

    private final ClusterState state;
    private final RolloutOwners owners;
    private final BooleanSupplier isLeader;
    private final EventSink events;
    private final Clock clock;
    private Thread thread;

    RolloutJanitor(ClusterState state, RolloutOwners owners, BooleanSupplier isLeader, EventSink events, Clock clock) {
        this.state = state;
        this.owners = owners;
        this.isLeader = isLeader;
        this.events = events;
        this.clock = clock;
    }

    RolloutJanitor start() {
        thread = Thread.ofVirtual().name("rollout-janitor").start(this::run);
        return this;
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(EVERY.toMillis());
                if (isLeader.getAsBoolean() && state.reachable()) {
                    int recovered = RolloutRecovery.recover(state, owners, events, clock);
                    if (recovered > 0) {
                        log.info("event=rollout.recovered count={}", recovered);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("event=rollout.recovery-failed error=\"{}\" next=\"tried again in {} s\"", e.getMessage(),
                        EVERY.toSeconds());
            }
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
