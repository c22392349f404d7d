package dev.skep.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Decides when a dead instance is started again. Pure logic: it is told when each process
 * started and ended and never looks at a clock or a process itself.
 *
 * <pre>
 *  exit after >= minUptime    ──> history forgotten, restart at once
 *  exit, first since reset    ──> restart at once
 *  exit again                 ──> initialDelay * multiplier^(n-2), capped at maxDelay, +-jitter
 *  crashLoopAfter quick deaths (uptime < minUptime, or never ready) in a row ──> CRASH_LOOP, retried at maxDelay
 * </pre>
 *
 * Not thread-safe: owned by one {@link InstanceMachine}.
 */
public final class RestartTracker {

    /** What to do after an exit. */
    public record Decision(Duration delay, boolean crashLoop, int attempt, int quickDeaths, String reason) {
    }

    public static final String REASON_FIRST = "first-exit";
    public static final String REASON_BACKOFF = "backoff";
    public static final String REASON_CRASH_LOOP = "crash-loop";

    private final RestartPolicy policy;
    private final DoubleSupplier random;
    private int attempts;
    private int quickDeaths;

    /**
     * @param random uniform values in [0, 1) for the jitter
     */
    public RestartTracker(RestartPolicy policy, DoubleSupplier random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Records one exit of a process that ran from {@code started} to {@code exited}. */
    public Decision onExit(Instant started, Instant exited) {
        return record(Duration.between(started, exited).compareTo(policy.minUptime()) < 0);
    }

    /**
     * Records a process that ended before it was ever ready (it exited, or its start timed out): a quick death
     * whatever its age, or an app that hangs on start would be restarted at once forever, never a crash loop.
     */
    public Decision onFailedStart() {
        return record(true);
    }

    private Decision record(boolean quick) {
        // Only dying young earns a back-off (forever's lesson): a process that outlived its
        // minimum uptime is restarted at once, however often that happens.
        if (quick) {
            quickDeaths++;
        } else {
            attempts = 0;
            quickDeaths = 0;
        }
        attempts++;
        if (quickDeaths >= policy.crashLoopAfter()) {
            return new Decision(jittered(policy.maxDelay()), true, attempts, quickDeaths, REASON_CRASH_LOOP);
        }
        if (attempts == 1) {
            return new Decision(Duration.ZERO, false, attempts, quickDeaths, REASON_FIRST);
        }
        return new Decision(jittered(backoff(attempts - 2)), false, attempts, quickDeaths, REASON_BACKOFF);
    }

    /** Forgets the history, e.g. after an operator restarted the instance by hand. */
    public void reset() {
        attempts = 0;
        quickDeaths = 0;
    }

    public int quickDeaths() {
        return quickDeaths;
    }

    private Duration backoff(int exponent) {
        double millis = policy.initialDelay().toMillis() * Math.pow(policy.multiplier(), exponent);
        long cap = policy.maxDelay().toMillis();
        return Duration.ofMillis(millis >= cap ? cap : (long) millis);
    }

    private Duration jittered(Duration delay) {
        double factor = 1.0 + policy.jitter() * (2 * random.getAsDouble() - 1);
        long millis = Math.round(delay.toMillis() * factor);
        return Duration.ofMillis(Math.max(0, Math.min(millis, policy.maxDelay().toMillis())));
    }
}
