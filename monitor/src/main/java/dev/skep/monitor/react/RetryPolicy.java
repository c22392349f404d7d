package dev.skep.monitor.react;

import java.time.Duration;

/**
 * Exponential back-off, bounded: attempt n (from 1) waits {@code first * 2^(n-1)}, capped at {@code max}, and
 * delivery is given up after {@code attempts} tries.
 */
public record RetryPolicy(int attempts, Duration first, Duration max) {

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, found " + attempts);
        }
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("need 0 < first <= max, found " + first + " and " + max);
        }
    }

    /** 12 tries over about an hour: 5 s, 10 s, 20 s ... capped at 10 min. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(12, Duration.ofSeconds(5), Duration.ofMinutes(10));
    }

    /** The wait after failed attempt {@code n} (1-based). */
    public Duration delayAfter(int n) {
        long factor = 1L << Math.min(n - 1, 30);
        Duration d = first.multipliedBy(factor);
        return d.compareTo(max) > 0 || d.isNegative() ? max : d;
    }
}
