package dev.skep.monitor.react;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Stops trying a receiver that keeps failing: after {@code threshold} failures in a row it opens for
 * {@code firstOpen}, and every failed trial after that opens it twice as long (up to {@code maxOpen}); while open,
 * attempts fail at once without touching the network. One success closes it. Per (app, URL), so one app's
 * failures never open another's.
 */
final class CircuitBreaker {

    private final int threshold;
    private final Duration firstOpen;
    private final Duration maxOpen;
    private final Clock clock;
    private int failures;
    private Duration openFor;
    private Instant openUntil;

    CircuitBreaker(int threshold, Duration firstOpen, Duration maxOpen, Clock clock) {
        if (threshold < 1 || firstOpen.isNegative() || firstOpen.isZero() || maxOpen.compareTo(firstOpen) < 0) {
            throw new IllegalArgumentException("need threshold >= 1 and 0 < firstOpen <= maxOpen");
        }
        this.threshold = threshold;
        this.firstOpen = firstOpen;
        this.maxOpen = maxOpen;
        this.clock = clock;
    }

    /** 3 failures in a row open it for 30 s, then 1 min, 2 min ... up to 10 min. */
    static CircuitBreaker defaults(Clock clock) {
        return new CircuitBreaker(3, Duration.ofSeconds(30), Duration.ofMinutes(10), clock);
    }

    /** Until when it is open, or empty when an attempt may go ahead (closed, or open long enough for a trial). */
    synchronized Optional<Instant> openUntil() {
        return openUntil != null && clock.instant().isBefore(openUntil) ? Optional.of(openUntil) : Optional.empty();
    }

    synchronized void succeeded() {
        failures = 0;
        openFor = null;
        openUntil = null;
    }

    /** Records a failure; returns how long it is now open for, or empty if it stays closed. */
    synchronized Optional<Duration> failed() {
        failures++;
        if (failures < threshold) {
            return Optional.empty();
        }
        openFor = openFor == null ? firstOpen : min(openFor.multipliedBy(2), maxOpen);
        openUntil = clock.instant().plus(openFor);
        return Optional.of(openFor);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
