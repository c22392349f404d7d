package dev.skep.server;

import dev.skep.api.IdleStore;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.ClusterSnapshot;
import dev.skep.model.ClusterSnapshots;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import dev.skep.model.IdleState;
import dev.skep.model.ProcessTypes;
import dev.skep.model.RouteSettings;
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
 * The controller's side of idle stop (see {@link IdleReporter} for the whole design): on the leader, every tick,
 * puts to sleep each running, serving, all-web app whose idle stop passed since its last use (the routers' newest report, or
 * the owner's last change of it), and says when one wakes. A sleep is re-checked on the document as it is, so a
 * report written meanwhile keeps the app up. Turning idle stop off wakes a sleeping app.
 */
final class IdleWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdleWatcher.class);
    /** Reports trail the last request by up to a router tick, and the router feed by a few ms: wait that too. */
    static final long SLACK_MILLIS = IdleReporter.TICK_MILLIS + 250;

    static final Duration TICK = Duration.ofMillis(500);

    private final ClusterSnapshots state;
    private final IdleStore store;
    private final BooleanSupplier isLeader;
    private final EventSink events;
    private final Clock clock;
    /** Ticks every {@link #TICK} on a thread of its own (the fields below are that thread's alone). */
    private PeriodicTask worker;
    /** Apps seen asleep at the last tick (worker thread only): one that is not any more woke. */
    private Set<AppId> knownAsleep = Set.of();
    /**
     * When this leader first saw each app's idle stop on (worker thread only): the clock starts then, so a request
     * just before turning it on (reported by no router: it had no idle stop yet) does not count as long ago.
     */
    private final Map<AppId, Long> onSince = new HashMap<>();
    /** Apps refused for their process types, logged once each (worker thread only). */
    private final Set<AppId> notEligibleLogged = new HashSet<>();

    IdleWatcher(ClusterSnapshots state, IdleStore store, BooleanSupplier isLeader, EventSink events, Clock clock) {
        this.state = state;
        this.store = store;
        this.isLeader = isLeader;
        this.events = events;
        this.clock = clock;
    }

    IdleWatcher start() {
        worker = PeriodicTask.start("idle-watcher", TICK, this::tick, // a failed tick is logged, the next one runs
                e -> log.warn("event=idle.watch-failed error=\"{}\" next=\"next tick\"", e.getMessage()));
        return this;
    }

    private void tick() {
        if (!isLeader.getAsBoolean()) {
            knownAsleep = Set.of();
            onSince.clear(); // a new leader starts every clock afresh: late, never early
            return;
        }
        Map<AppId, IdleState> idle = state.documents(IdleState.DOCUMENT, IdleState.class);
        Map<AppId, RouteSettings> settings = state.documents(RouteSettings.DOCUMENT, RouteSettings.class);
        if (knownAsleep.isEmpty() && settings.values().stream().noneMatch(RouteSettings::idleStop)
                && idle.values().stream().noneMatch(IdleState::sleeping)) {
            onSince.clear(); // no app may sleep and none does: no snapshot of the whole cluster twice a second
            return;
        }
        ClusterSnapshot now = state.snapshot();
        long at = clock.millis();
        Set<AppId> asleep = IdleState.asleep(now.apps(), idle, settings);
        for (AppSpec spec : now.apps()) {
            IdleState s = idle.getOrDefault(spec.id(), IdleState.AWAKE);
            RouteSettings r = settings.get(spec.id());
            if (r == null || !r.idleStop()) {
                onSince.remove(spec.id());
                if (s.sleeping()) {
                    store.wake(spec.id(), at); // idle stop turned off: it runs again, and stays up
                }
                continue;
            }
            if (s.sleeping() || !spec.running() || spec.release() == 0 || spec.candidate() != 0
                    || !serving(now, spec) || !allWeb(now, spec)) {
                continue;
            }
            long idleMillis = r.idleStopSeconds() * 1000;
            long since = onSince.computeIfAbsent(spec.id(), k -> at);
            long lastUse = Math.max(s.lastUse(spec), since);
            if (at - lastUse >= idleMillis + SLACK_MILLIS && store.sleepIfIdle(spec.id(), at,
                    idleMillis + SLACK_MILLIS, Math.max(lastChange(spec), since))) {
                asleep.add(spec.id());
                log.info("event=app.sleeping app={} release={} idle_stop_s={} idle_ms={}", spec.id(),
                        spec.release(), r.idleStopSeconds(), at - lastUse);
                events.emit(new Event(clock.instant(), EventTypes.APP_SLEEPING, spec.id(), spec.release(), null,
                        null, "no request for " + r.idleStopSeconds() + " s: stopped until the next one",
                        Map.of()));
            }
        }
        for (AppId woke : knownAsleep) {
            if (!asleep.contains(woke) && now.apps().stream().anyMatch(a -> a.id().equals(woke))) {
                log.info("event=app.woke app={}", woke);
                events.emit(new Event(clock.instant(), EventTypes.APP_WOKE, woke, null, null, null,
                        "woken by a request (or a change of the app)", Map.of()));
            }
        }
        knownAsleep = asleep;
    }

    /**
     * Only an app that serves (a ready instance of its release) is put to sleep: one that crash-loops or never got
     * ready stays as it is, in plain sight, as without idle stop.
     */
    private static boolean serving(ClusterSnapshot now, AppSpec spec) {
        return now.instances().stream().anyMatch(i -> i.app().equals(spec.id()) && i.ready()
                && i.release() == spec.release());
    }

    private static long lastChange(AppSpec spec) {
        return spec.updated() == null ? 0 : spec.updated().toEpochMilli();
    }

    /** Only apps whose process types are all web sleep: nothing would wake a worker. */
    private boolean allWeb(ClusterSnapshot now, AppSpec spec) {
        boolean all = now.release(spec.id(), spec.release())
                .map(rel -> rel.types().stream().allMatch(ProcessTypes::isWeb)).orElse(false);
        if (!all && notEligibleLogged.add(spec.id())) {
            log.warn("event=idle.not-eligible app={} release={} why=\"it runs a process type besides web\" "
                    + "next=\"it stays up; deploy an all-web release or turn idle stop off\"", spec.id(),
                    spec.release());
        }
        return all;
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
    }
}
