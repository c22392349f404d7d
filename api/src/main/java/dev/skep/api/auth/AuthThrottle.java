package dev.skep.api.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows down guessing: per key (a client address, or what was presented: a user, a token's hash),
 * the first {@code freeFailures} bad tokens cost nothing, then each one blocks the key for twice as
 * long as the one before (from {@code baseDelay} up to {@code maxDelay}). While blocked, a bad
 * token under the key gets 429 instead of 401 (the {@link Authenticator} never blocks a good one).
 * {@link #succeeded}, or {@code forgetAfter} without failures, clears the record.
 * Pure logic over an injected clock; the table is bounded (least recently failed evicted first).
 */
public final class AuthThrottle {

    /** How forgiving the throttle is. */
    public record Policy(int freeFailures, Duration baseDelay, Duration maxDelay, Duration forgetAfter,
                         int maxAddresses) {

        public Policy {
            if (freeFailures < 0) {
                throw new IllegalArgumentException("freeFailures must be >= 0, found " + freeFailures);
            }
            if (baseDelay.isNegative() || baseDelay.isZero() || maxDelay.compareTo(baseDelay) < 0) {
                throw new IllegalArgumentException("need 0 < baseDelay <= maxDelay, found " + baseDelay + ", " + maxDelay);
            }
            if (maxAddresses < 1) {
                throw new IllegalArgumentException("maxAddresses must be >= 1, found " + maxAddresses);
            }
        }

        /** 5 free failures, then 1 s, 2 s, 4 s ... up to 5 min; forgotten after 15 min; 10,000 addresses. */
        public static Policy defaults() {
            return new Policy(5, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(15), 10_000);
        }
    }

    private record Failures(int count, Instant last, Instant blockedUntil) {
    }

    private final Policy policy;
    private final Clock clock;
    private final Map<String, Failures> byAddress;

    public AuthThrottle(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        this.byAddress = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > policy.maxAddresses();
            }
        };
    }

    /** How long the address must still wait, or empty when it may try. */
    public synchronized Optional<Duration> retryAfter(String address) {
        Failures f = current(address);
        if (f == null || f.blockedUntil() == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), f.blockedUntil());
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    /** Records a bad token from the address; returns how long it is now blocked (zero: not blocked). */
    public synchronized Duration failed(String address) {
        Instant now = clock.instant();
        Failures before = current(address);
        int count = before == null ? 1 : before.count() + 1;
        Duration delay = delayAfter(count);
        byAddress.put(address, new Failures(count, now, delay.isZero() ? null : now.plus(delay)));
        return delay;
    }

    /** A good token from the address: its record is cleared. */
    public synchronized void succeeded(String address) {
        byAddress.remove(address);
    }

    /** The block after the {@code count}-th failure in a row: zero while free, then doubling, capped. */
    public Duration delayAfter(int count) {
        int over = count - policy.freeFailures();
        if (over <= 0) {
            return Duration.ZERO;
        }
        long base = policy.baseDelay().toMillis();
        long max = policy.maxDelay().toMillis();
        long millis = over > 40 ? max : Math.min(max, base << Math.min(over - 1, 40));
        return Duration.ofMillis(millis);
    }

    private Failures current(String address) {
        Failures f = byAddress.get(address);
        if (f != null && Duration.between(f.last(), clock.instant()).compareTo(policy.forgetAfter()) > 0
                && (f.blockedUntil() == null || !f.blockedUntil().isAfter(clock.instant()))) {
            byAddress.remove(address);
            return null;
        }
        return f;
    }
}
