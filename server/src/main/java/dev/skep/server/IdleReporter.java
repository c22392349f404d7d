package dev.skep.server;

import dev.skep.api.IdleStore;
import dev.skep.model.AppId;
import dev.skep.model.RouteSettings;
import dev.skep.route.RouteMetrics;
import dev.skep.route.server.RouteFeed;
import dev.skep.route.server.RouterServer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A router's side of idle stop. The design, in short: each router tells the state when it last saw traffic for
 * each app with an idle stop (its "idle" document, {@link dev.skep.model.IdleState}); the leading controller
 * ({@link IdleWatcher}) puts an app to sleep when the newest report of all routers is older than the idle stop,
 * and the scheduler then runs none of its instances. A request that finds a sleeping app is held by the router
 * ({@link dev.skep.route.proxy.WakeHolds}), which writes the wake here; the scheduler starts the app and the held
 * requests go on once the route table has a ready instance. Routers never decide alone (with several routers
 * one of them seeing nothing proves nothing), and the controller never has to read routers' counters.
 *
 * <p>Every {@link #TICK}: an app is active when this router counted a request for it since the last tick, or has
 * one in flight (an open websocket) or held. Reports are written at most every quarter of the app's idle stop
 * (clamped to 1 s .. 60 s) while it is active, and once more when it goes quiet, so the document's time is the last
 * activity within a tick; an idle app costs no write.
 */
final class IdleReporter implements RouteFeed.TableListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdleReporter.class);
    static final long TICK_MILLIS = 500;

    private final RouterServer router;
    private final IdleStore store;
    private final Clock clock;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("idle-reporter").daemon().unstarted(r));
    private volatile Map<AppId, RouteSettings> settings = Map.of();
    private volatile Set<AppId> sleeping = Set.of();
    // worker thread only
    private final Map<AppId, Long> lastCount = new HashMap<>();
    private final Map<AppId, Long> lastActive = new HashMap<>();
    private final Map<AppId, Long> lastReported = new HashMap<>();

    IdleReporter(RouterServer router, IdleStore store, Clock clock) {
        this.router = router;
        this.store = store;
        this.clock = clock;
        router.wakeHolds().onWake(app -> worker.execute(() -> wake(app)));
        worker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** What the route feed read with its last table: each app's settings, and which apps sleep. */
    @Override
    public void read(Map<AppId, RouteSettings> newSettings, Set<AppId> newSleeping) {
        settings = Map.copyOf(newSettings);
        sleeping = Set.copyOf(newSleeping);
    }

    private void wake(AppId app) {
        try {
            if (store.wake(app, clock.millis())) {
                log.info("event=app.wake-asked app={} held={}", app,
                        router.wakeHolds().waiting().getOrDefault(app, 0));
            }
        } catch (RuntimeException e) {
            log.warn("event=app.wake-failed app={} error=\"{}\" next=\"asked again while requests wait\"", app,
                    e.getMessage());
        }
    }

    private void tick() {
        try {
            long now = clock.millis();
            Map<AppId, RouteMetrics.AppTraffic> counts = router.metrics().snapshot();
            Set<AppId> busy = router.busyApps();
            Map<AppId, RouteSettings> apps = settings;
            lastCount.keySet().retainAll(apps.keySet());
            lastActive.keySet().retainAll(apps.keySet());
            lastReported.keySet().retainAll(apps.keySet());
            apps.forEach((app, s) -> {
                if (s.idleStop()) {
                    report(app, s, counts.get(app), busy.contains(app), now);
                }
            });
            // a wake whose write failed, or a table that still says asleep: ask again (at most once a second)
            router.wakeHolds().waiting().keySet().stream().filter(sleeping::contains)
                    .forEach(router.wakeHolds()::askWake);
        } catch (RuntimeException e) {
            log.warn("event=idle.report-failed error=\"{}\" next=\"next tick\"", e.getMessage());
        }
    }

    private void report(AppId app, RouteSettings s, RouteMetrics.AppTraffic traffic, boolean busy, long now) {
        long count = traffic == null ? 0 : traffic.requests();
        Long before = lastCount.put(app, count);
        boolean active = busy || (before != null && count != before);
        if (active) {
            lastActive.put(app, now);
            if (sleeping.contains(app)) {
                // served by an instance the sleep is withdrawing (the request came as it fell asleep): wake it, so
                // the next requests, and a websocket that the drain will cut, find it up
                router.wakeHolds().askWake(app);
            }
        }
        Long at = lastActive.get(app);
        Long reported = lastReported.get(app);
        if (at == null || (reported != null && reported >= at)) {
            return; // nothing new to say
        }
        long every = Math.clamp(s.idleStopSeconds() * 1000 / 4, 1000, 60_000);
        boolean quiet = !active; // the trailing report: the last activity, exactly
        if (quiet || reported == null || now - reported >= every) {
            store.active(app, at);
            lastReported.put(app, at);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
