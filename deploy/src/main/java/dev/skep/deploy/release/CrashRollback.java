package dev.skep.deploy.release;

import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import dev.skep.model.Release;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link CrashLoopWatch} does when a live release crash-loops: puts the release it replaced back, under the
 * app's lock. It needs the rollout and the lock, not the deployer, so the watch is built before the deployer that
 * tells it of each release going live (no cycle between the two).
 */
public final class CrashRollback implements CrashLoopWatch.RollBack {

    private static final Logger log = LoggerFactory.getLogger(CrashRollback.class);

    private final AppCatalog state;
    private final Rollout rollout;
    private final AppLocks locks;
    private final EventSink events;
    private final Clock clock;

    public CrashRollback(AppCatalog state, Rollout rollout, AppLocks locks, EventSink events, Clock clock) {
        this.state = state;
        this.rollout = rollout;
        this.locks = locks;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Puts release {@code good} back in place of {@code bad}, which crash-looped soon after it went live: {@code bad}
     * is marked failed with why and its last lines, the switch is evented (and alerted on), and nothing is done
     * when the app changed meanwhile. {@code good} is not watched in turn: there is nothing sound to go back to.
     */
    @Override
    public void from(AppId app, int bad, int good, String why, String instance) {
        locks.exclusively(app, () -> {
            if (state.app(app).map(AppSpec::release).orElse(0) != bad) {
                return null;
            }
            Optional<Release> target = state.release(app, good)
                    .filter(r -> !rollout.failures().of(app).containsKey(good));
            if (target.isEmpty()) {
                log.warn("event=release.rollback-impossible app={} release={} previous={} why=\"{}\"", app, bad, good, why);
                return null;
            }
            rollout.failures().record(app, bad, new ReleaseFailures.Failure("crash-looped after going live: " + why,
                    rollout.lastLines(app, instance), clock.instant().toString()));
            log.warn("event=release.rolling-back app={} release={} to={} why=\"{}\"", app, bad, good, why);
            try {
                rollout.activate(target.get(), Rollout.Progress.none());
                RolledBackEnv.adopt(state, target.get(), clock);
            } catch (RuntimeException e) {
                log.error("event=release.rollback-failed app={} release={} to={} error=\"{}\"", app, bad, good,
                        e.getMessage());
                events.emit(new Event(clock.instant(), EventTypes.DEPLOY_FAILED, app, good, null, null,
                        "rolling back to release " + good + " failed too: " + e.getMessage(), Map.of()));
                return null;
            }
            events.emit(new Event(clock.instant(), EventTypes.RELEASE_ROLLED_BACK, app, bad, instance, null,
                    "release " + bad + " crash-looped, release " + good + " is live again: " + why,
                    Map.of("to", String.valueOf(good))));
            return null;
        });
    }
}
