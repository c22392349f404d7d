package dev.skep.deploy.release;

import java.time.Duration;

/**
 * How long a new release is watched once it serves.
 *
 * @param probation  the default window in which a failing instance puts the old release back at once (apps may set
 *                   their own)
 * @param autoRollback how long after going live a crash-looping release is still rolled back by itself (zero: never)
 */
public record ReleasePolicy(Duration probation, Duration autoRollback) {

    /** Auto-rollback's window: a release that crash-loops within it is taken back. */
    public static final Duration AUTO_ROLLBACK_DEFAULT = Duration.ofMinutes(5);

    /** The defaults, for roles that release nothing (agents, routers). */
    public static final ReleasePolicy DEFAULT = new ReleasePolicy(ProbationSettings.DEFAULT, AUTO_ROLLBACK_DEFAULT);

    public ReleasePolicy {
        if (probation.isNegative() || autoRollback.isNegative()) {
            throw new IllegalArgumentException("release windows must be 0 or more, found probation " + probation
                    + ", auto-rollback " + autoRollback);
        }
    }
}
