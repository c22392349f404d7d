package dev.skep.deploy.release;

import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.InstanceStatuses;
import dev.skep.model.concurrent.PeriodicTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a release for a while after it went live (past its probation): if one of its instances crash-loops in
 * that time, the release it replaced is put back ({@link RollBack}). A release that breaks after a few minutes
 * (a leak, a cron, a first real request) is caught as a release that breaks at once is by its probation.
 */
public final class CrashLoopWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CrashLoopWatch.class);
    private static final Duration PERIOD = Duration.ofSeconds(1);

    /** Puts {@code good} back in place of {@code bad}, which crash-looped. */
    @FunctionalInterface
    public interface RollBack {
        void from(AppId app, int bad, int good, String why, String instance);
    }

    private record Watch(int release, int previous, Instant since, Instant until) {
    }

    private final AppCatalog catalog;
    private final InstanceStatuses statuses;
    private final Clock clock;
    private final Duration window;
    private final Map<AppId, Watch> watched = new ConcurrentHashMap<>();
    private final RollBack rollBack;
    private volatile PeriodicTask loop;

    /**
     * @param window   how long after going live a crash loop still rolls a release back (zero: never)
     * @param rollBack does the switch back ({@link CrashRollback})
     */
    public <S extends AppCatalog & InstanceStatuses> CrashLoopWatch(
            S state, Clock clock, Duration window, RollBack rollBack) {
        this.rollBack = rollBack;
        this.catalog = state;
        this.statuses = state;
        this.clock = clock;
        this.window = window;
    }

    public Duration window() {
        return window;
    }

    /** Starts checking once a second. */
    public CrashLoopWatch start() {
        // a failed state read is logged, and the next pass tries again
        loop = PeriodicTask.start("crash-loop-watch", PERIOD, this::check,
                e -> log.warn("event=crash-loop-watch.failed error=\"{}\"", e.toString()));
        return this;
    }

    /** Watches {@code release} of {@code app}, which just replaced {@code previous} (0: nothing to go back to). */
    public void watch(AppId app, int release, int previous) {
        if (window.isZero() || previous <= 0 || previous == release) {
            watched.remove(app);
            return;
        }
        Instant now = clock.instant();
        watched.put(app, new Watch(release, previous, now, now.plus(window)));
    }

    /** One pass over the watched releases (the loop's; tests call it). */
    void check() {
        Instant now = clock.instant();
        for (Map.Entry<AppId, Watch> e : watched.entrySet()) {
            AppId app = e.getKey();
            Watch w = e.getValue();
            Optional<AppSpec> spec = catalog.app(app);
            if (now.isAfter(w.until()) || spec.isEmpty() || spec.get().release() != w.release()
                    || !spec.get().running()) {
                watched.remove(app, w); // its window passed, or someone else changed the app meanwhile
                continue;
            }
            statuses.instances(app).stream()
                    .filter(i -> i.release() == w.release() && i.state() == InstanceState.CRASH_LOOP)
                    .findFirst()
                    .ifPresent(looping -> {
                        watched.remove(app, w);
                        rollBack(app, w, looping, now);
                    });
        }
    }

    private void rollBack(AppId app, Watch w, InstanceStatus looping, Instant now) {
        String why = "instance " + looping.instance() + " crash-looped " + Duration.between(w.since(), now).toSeconds()
                + " s after release " + w.release() + " went live (" + looping.restarts() + " restarts)";
        log.warn("event=release.crash-looped app={} release={} instance={} previous={}", app, w.release(),
                looping.instance(), w.previous());
        // the switch back waits for the app's lock and a rollout: not on the watch's thread
        Thread.ofVirtual().name("rollback-" + app).start(() ->
                rollBack.from(app, w.release(), w.previous(), why, looping.instance()));
    }

    @Override
    public void close() {
        PeriodicTask t = loop;
        if (t != null) {
            t.close();
        }
    }
}
