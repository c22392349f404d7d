package dev.skep.deploy.release;

import dev.skep.model.AppSpec;
import dev.skep.model.AppCatalog;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import dev.skep.model.RolloutOwners;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader: a rollout in the state that no live controller claims (its controller died, or skep stopped
 * during it) has no one waiting for it any more. Its candidate is dropped (the serving release stays) and a release
 * made just for it is deleted, so no half release is ever used. A probation in flight ends: its release was ready
 * and serving, so it stays, and the release kept warm for it goes. A rollout another controller still claims is
 * left alone (see {@link RolloutOwners}).
 */
public final class RolloutRecovery {

    private static final Logger log = LoggerFactory.getLogger(RolloutRecovery.class);

    private RolloutRecovery() {
    }

    /** Every rollout in the state is taken for abandoned (one process, at its start); returns how many were dropped. */
    public static int recover(AppCatalog state, EventSink events, Clock clock) {
        return recover(state, RolloutOwners.none(), events, clock);
    }

    /** Drops the rollouts no live controller claims; returns how many. */
    public static int recover(AppCatalog state, RolloutOwners owners, EventSink events, Clock clock) {
        return recover(state.apps(), state, owners, events, clock);
    }

    /**
     * Drops the rollouts no live controller claims among {@code apps}, a listing that may lag the state (a snapshot
     * of the cache, say: each change is decided on the spec as it is in the state then); returns how many.
     */
    public static int recover(List<AppSpec> apps, AppCatalog state, RolloutOwners owners, EventSink events,
                              Clock clock) {
        int recovered = 0;
        for (AppSpec app : apps) {
            if ((app.candidate() == 0 && app.warm() == 0) || owners.owned(app.id())) {
                continue;
            }
            if (app.candidate() > 0) {
                int candidate = app.candidate();
                AtomicBoolean dropped = new AtomicBoolean();
                AtomicBoolean unreleased = new AtomicBoolean();
                AppSpec after = state.updateApp(app.id(), spec -> {
                    // decided on the spec as it is now: the rollout may have ended between the read and here
                    dropped.set(spec.candidate() == candidate);
                    unreleased.set(spec.candidate() == candidate && candidate > spec.release());
                    return dropped.get() ? spec.withCandidate(0, clock.instant()) : spec;
                });
                if (dropped.get()) {
                    if (unreleased.get()) {
                        state.deleteRelease(app.id(), candidate);
                    }
                    log.warn("event=rollout.interrupted app={} release={} kept={} reason=\"no controller runs the "
                            + "rollout any more (its controller stopped during it)\"", app.id(), candidate,
                            after.release());
                    events.emit(new Event(clock.instant(), EventTypes.DEPLOY_FAILED, app.id(), candidate, null, null,
                            "interrupted: the controller running the rollout stopped during it", Map.of()));
                    recovered++;
                }
            }
            if (app.warm() > 0) { // it was ready and serving: it stays, without the rest of its watch
                int warm = app.warm();
                AtomicBoolean ended = new AtomicBoolean();
                AppSpec after = state.updateApp(app.id(), spec -> {
                    ended.set(spec.warm() == warm);
                    return ended.get() ? spec.withWarm(0, clock.instant()) : spec;
                });
                if (!ended.get()) {
                    continue;
                }
                log.warn("event=release.probation-interrupted app={} release={} warm={} effect=\"the release stays; "
                        + "release {} stops\" reason=\"skep stopped during the probation\"", app.id(), after.release(),
                        warm, warm);
                // the deploy's outcome, as a watched probation would have told it: its client lost the answer, and
                // the event stream (skep events, the dashboard, a deploy-failed alert waiting for a success) had
                // only its deploy.started
                events.emit(new Event(clock.instant(), EventTypes.DEPLOY_SUCCEEDED, app.id(), after.release(), null,
                        null, "release " + after.release() + " is live: its probation was cut short (the controller "
                        + "running it stopped), release " + warm + " stopped", Map.of()));
                recovered++;
            }
        }
        return recovered;
    }
}
