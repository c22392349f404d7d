package dev.skep.route.proxy;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.RouteTable;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Requests held for apps that may sleep (idle stop) while none of their instances is ready: instead of a 503, a
 * request waits here until a route table gives its app a ready instance, at most {@link #holdFor()}, and at most
 * {@link #maxPerApp()} per app (beyond: 503 with Retry-After). A request for a sleeping app also asks for a wake,
 * through a callback that must not block (it runs on an event loop); at most once a second per app.
 *
 * <p>Each held request is resumed on its own connection's loop by its {@link Held} (it looks the route up again
 * and is forwarded as any request is). A connection holds at most one request: what follows it waits unread.
 */
public final class WakeHolds {

    /** One held request; {@link #resume()} may be called from any thread and must hop to its loop. */
    public interface Held {
        void resume();
    }

    static final Duration WAKE_ASK_EVERY = Duration.ofSeconds(1);

    private final int maxPerApp;
    private final Duration holdFor;
    private final ConcurrentHashMap<AppId, Set<Held>> held = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<AppId, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<AppId, Long> askedAt = new ConcurrentHashMap<>();
    /** Requests that came before the router's first table (it knows no app yet): all go on with the first one. */
    private final Set<Held> beforeTable = ConcurrentHashMap.newKeySet();
    private volatile Consumer<AppId> wakes = app -> { };

    public WakeHolds(int maxPerApp, Duration holdFor) {
        if (maxPerApp < 1 || holdFor.isNegative() || holdFor.isZero()) {
            throw new IllegalArgumentException("hold at least 1 request for a positive time, found " + maxPerApp
                    + " for " + holdFor);
        }
        this.maxPerApp = maxPerApp;
        this.holdFor = holdFor;
    }

    public int maxPerApp() {
        return maxPerApp;
    }

    public Duration holdFor() {
        return holdFor;
    }

    /** Where wake requests go (the router's owner writes them to the state); must not block. */
    public void onWake(Consumer<AppId> wakes) {
        this.wakes = wakes;
    }

    /** Asks for the app to be woken, unless asked within the last second (a burst makes one write). */
    public void askWake(AppId app) {
        long now = System.nanoTime();
        Long before = askedAt.get(app);
        if (before != null && now - before < WAKE_ASK_EVERY.toNanos()) {
            return;
        }
        if (before == null ? askedAt.putIfAbsent(app, now) == null : askedAt.replace(app, before, now)) {
            wakes.accept(app);
        }
    }

    /** Holds one request; false when the app already has {@link #maxPerApp()} held (answer 503 then). */
    public boolean hold(AppId app, Held h) {
        AtomicInteger n = counts.computeIfAbsent(app, k -> new AtomicInteger());
        if (n.incrementAndGet() > maxPerApp) {
            n.decrementAndGet();
            return false;
        }
        held.computeIfAbsent(app, k -> ConcurrentHashMap.newKeySet()).add(h);
        return true;
    }

    /** Forgets one held request (answered after the bound, or its client left); false when already resumed. */
    public boolean release(AppId app, Held h) {
        Set<Held> set = held.get(app);
        if (set != null && set.remove(h)) {
            counts.get(app).decrementAndGet();
            return true;
        }
        return false;
    }

    /** Holds a request that came before the first table; false when {@link #maxPerApp()} already wait so. */
    public boolean holdUntilTable(Held h) {
        synchronized (beforeTable) { // the check and the add as one: every event loop holds at once as skep starts
            if (beforeTable.size() >= maxPerApp) {
                return false;
            }
            beforeTable.add(h);
            return true;
        }
    }

    /** Forgets a request held until the first table; false when already resumed. */
    public boolean releaseUntilTable(Held h) {
        return beforeTable.remove(h);
    }

    /** A new table: the requests held for one go on, and those of apps that have a ready instance in it. */
    public void tableChanged(RouteTable table) {
        for (Held h : List.copyOf(beforeTable)) {
            if (beforeTable.remove(h)) {
                h.resume();
            }
        }
        if (held.isEmpty()) {
            return;
        }
        for (AppRoute route : table.routes()) {
            if (!route.backends().isEmpty()) {
                resumeAll(route.app());
            }
        }
    }

    private void resumeAll(AppId app) {
        Set<Held> set = held.get(app);
        if (set == null) {
            return;
        }
        for (Held h : List.copyOf(set)) {
            if (release(app, h)) {
                h.resume();
            }
        }
    }

    /** Requests held now, per app with any. */
    public Map<AppId, Integer> waiting() {
        Map<AppId, Integer> out = new HashMap<>();
        counts.forEach((app, n) -> {
            if (n.get() > 0) {
                out.put(app, n.get());
            }
        });
        return out;
    }
}
