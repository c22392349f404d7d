package dev.skep.route.proxy;

import dev.skep.route.Backend;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Shared by all event loops: requests outstanding per backend and passive health (a backend
 * that refused a connection is skipped for a while). Time comes from an injected nano clock.
 */
public final class BackendLoads {

    /** Mutable per-backend counters; lock-free. */
    static final class Load {
        final AtomicInteger outstanding = new AtomicInteger();
        volatile long ejectedUntil = Long.MIN_VALUE;
    }

    private final ConcurrentHashMap<Backend, Load> loads = new ConcurrentHashMap<>();
    private final AtomicInteger cursor = new AtomicInteger();
    private final long ejectNanos;
    private final LongSupplier nanoClock;
    // the choice's functions, made once: a pick allocates nothing whether or not the JIT inlines it
    private static final Predicate<Backend> NONE_TRIED = b -> false;
    private final ToIntFunction<Backend> outstandingOf = b -> load(b).outstanding.get();
    private final Predicate<Backend> healthy = this::healthy;

    public BackendLoads(Duration ejectFor, LongSupplier nanoClock) {
        this.ejectNanos = ejectFor.toNanos();
        this.nanoClock = nanoClock;
    }

    Load load(Backend b) {
        return loads.computeIfAbsent(b, k -> new Load());
    }

    /** Not ejected, or its ejection is over; the clock is read only for a backend ejected once. */
    private boolean healthy(Backend b) {
        long until = load(b).ejectedUntil;
        return until == Long.MIN_VALUE || until - nanoClock.getAsLong() <= 0;
    }

    /** Chooses a backend for one attempt, or null when all were tried. A first attempt allocates nothing. */
    public Backend choose(List<Backend> backends, Set<Backend> tried) {
        return Balancer.pick(backends, outstandingOf, tried.isEmpty() ? NONE_TRIED : tried::contains, healthy,
                cursor.getAndIncrement());
    }

    public void started(Backend b) {
        load(b).outstanding.incrementAndGet();
    }

    public void finished(Backend b) {
        load(b).outstanding.decrementAndGet();
    }

    public int outstanding(Backend b) {
        Load l = loads.get(b);
        return l == null ? 0 : l.outstanding.get();
    }

    public void eject(Backend b) {
        load(b).ejectedUntil = nanoClock.getAsLong() + ejectNanos;
    }

    public boolean ejected(Backend b) {
        Load l = loads.get(b);
        return l != null && l.ejectedUntil != Long.MIN_VALUE && l.ejectedUntil - nanoClock.getAsLong() > 0;
    }

    /** Forgets backends that left the table and have nothing in flight. */
    public void retain(Set<Backend> live) {
        loads.entrySet().removeIf(e -> !live.contains(e.getKey()) && e.getValue().outstanding.get() == 0);
    }
}
