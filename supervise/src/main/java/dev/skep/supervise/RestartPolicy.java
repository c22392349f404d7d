package dev.skep.supervise;

import java.time.Duration;

/**
 * How an instance that keeps dying is restarted (forever's and pm2's lessons).
 *
 * @param initialDelay       the delay after the first quick death following a healthy run
 *                           (the very first restart after a crash is always immediate)
 * @param maxDelay           the back-off cap; a crash-looping instance is retried at this pace forever
 * @param multiplier         back-off growth per quick death
 * @param jitter             random spread of a delay, 0.1 = +-10 %
 * @param minUptime          a process that dies younger than this died "quickly"; one that lived this long
 *                           resets the back-off
 * @param crashLoopAfter     this many quick deaths in a row mean CRASH_LOOP
 */
public record RestartPolicy(Duration initialDelay, Duration maxDelay, double multiplier, double jitter,
                            Duration minUptime, int crashLoopAfter) {

    public static final RestartPolicy DEFAULT = new RestartPolicy(Duration.ofMillis(100), Duration.ofSeconds(30),
            2.0, 0.1, Duration.ofSeconds(1), 5);

    public RestartPolicy {
        requirePositive("initialDelay", initialDelay);
        requirePositive("maxDelay", maxDelay);
        requirePositive("minUptime", minUptime);
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must be >= initialDelay, found " + maxDelay);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1, found " + multiplier);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1), found " + jitter);
        }
        if (crashLoopAfter < 1) {
            throw new IllegalArgumentException("crashLoopAfter must be >= 1, found " + crashLoopAfter);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, found " + value);
        }
    }
}
