package dev.skep.deploy.release;

import dev.skep.model.AppSpec;
import dev.skep.model.AppCatalog;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, before the scheduler runs: a rollout that was in flight when skep died has no one
 * waiting for it any more. Its candidate is dropped (the serving release stays) and a release made
 * just for it is deleted, so no half release is ever used. A probation in flight ends: its release was ready and
 * serving, so it stays, and the release kept warm for it goes.
 */
public final class RolloutRecovery {

    private static final Logger log = LoggerFactory.getLogger(RolloutRecovery.class);

    private RolloutRecovery() {
    }

    /** Returns how many rollouts were dropped. */
    public static int recover(AppCatalog state, EventSink events, Clock clock) {
        int recovered = 0;
        for (AppSpec app : state.apps()) {
            if (app.candidate() > 0) {
                int candidate = app.candidate();
                state.updateApp(app.id(), spec -> spec.candidate() == candidate ? spec.withCandidate(0, clock.instant()) : spec);
                if (candidate > app.release()) {
                    state.deleteRelease(app.id(), candidate);
                }
                log.warn("event=rollout.interrupted app={} release={} kept={} reason=\"skep stopped during the rollout\"",
                        app.id(), candidate, app.release());
                events.emit(new Event(clock.instant(), EventTypes.DEPLOY_FAILED, app.id(), candidate, null, null,
                        "interrupted: skep stopped during the rollout", Map.of()));
                recovered++;
            }
            if (app.warm() > 0) { // it was ready and serving: it stays, without the rest of its watch
                int warm = app.warm();
                state.updateApp(app.id(), spec -> spec.warm() == warm ? spec.withWarm(0, clock.instant()) : spec);
                log.warn("event=release.probation-interrupted app={} release={} warm={} effect=\"the release stays; "
                        + "release {} stops\" reason=\"skep stopped during the probation\"", app.id(), app.release(),
                        warm, warm);
                recovered++;
            }
        }
        return recovered;
    }
}
