package dev.skep.server;

import dev.skep.deploy.release.RolloutRecovery;
import dev.skep.model.AppId;
import dev.skep.model.ClusterState;
import dev.skep.model.EventSink;
import dev.skep.model.RolloutOwners;
import dev.skep.model.concurrent.PeriodicTask;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, every {@link #EVERY}: rollouts no live controller has claimed for {@link #UNCLAIMED_FOR} (their
 * controller died during them) are recovered (see {@link RolloutRecovery}). A rollout another controller runs is never touched, whoever leads.
 */
final class RolloutJanitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RolloutJanitor.class);
    static final Duration EVERY = Duration.ofSeconds(2);
    /**
     * How long a rollout must have had no claim before it is taken for abandoned: a live controller whose leadership
     * session ended (a pause, a blip) re-creates its claim on its next session, within this.
     */
    static final Duration UNCLAIMED_FOR = Duration.ofSeconds(4);

    private final ClusterState state;
    private final RolloutOwners owners;
    private final BooleanSupplier isLeader;
    private final EventSink events;
    private final Clock clock;
    private PeriodicTask task;
    private final Map<AppId, Long> unclaimedSince = new HashMap<>();
    private final Set<AppId> asked = new HashSet<>();

    /** The claims as the janitor judges them: a rollout is nobody's once unclaimed for {@link #UNCLAIMED_FOR}. */
    private final RolloutOwners patient = new RolloutOwners() {
        @Override
        public AutoCloseable claim(AppId app) {
            return owners.claim(app);
        }

        @Override
        public boolean owned(AppId app) {
            asked.add(app);
            if (owners.owned(app)) {
                unclaimedSince.remove(app);
                return true;
            }
            long since = unclaimedSince.computeIfAbsent(app, a -> System.nanoTime());
            return System.nanoTime() - since < UNCLAIMED_FOR.toNanos();
        }
    };

    RolloutJanitor(ClusterState state, RolloutOwners owners, BooleanSupplier isLeader, EventSink events, Clock clock) {
        this.state = state;
        this.owners = owners;
        this.isLeader = isLeader;
        this.events = events;
        this.clock = clock;
    }

    RolloutJanitor start() {
        task = PeriodicTask.start("rollout-janitor", EVERY, this::pass, e -> log.warn(
                "event=rollout.recovery-failed error=\"{}\" next=\"tried again in {} s\"", e.getMessage(),
                EVERY.toSeconds()));
        return this;
    }

    /** One look, on the leader only, for rollouts nobody claims. */
    private void pass() {
        if (isLeader.getAsBoolean() && state.reachable()) {
            // the apps listed from the cache: reading each from ZooKeeper every 2 s was 10,000 round trips at 10,000
            // apps, on the connection whose watch brings the scheduler its changes
            int recovered = RolloutRecovery.recover(state.snapshot().apps(), state, patient, events, clock);
            unclaimedSince.keySet().retainAll(asked);
            asked.clear();
            if (recovered > 0) {
                log.info("event=rollout.recovered count={}", recovered);
            }
        }
    }

    @Override
    public void close() {
        if (task != null) {
            task.close();
        }
    }
}
