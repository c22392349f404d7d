package dev.skep.model;

/**
 * Who runs each app's rollout now. A controller claims an app's rollout before it sets the candidate release and
 * holds the claim until the rollout (and its probation) ends; the claim goes with the controller (an ephemeral node
 * on its leadership session). Only a rollout nobody holds is the leader's to recover: another controller starting,
 * or leading, must not cancel a rollout that is still being watched.
 */
public interface RolloutOwners {

    /** Claims {@code app}'s rollout until the returned handle is closed; fails when the claim cannot be stored. */
    AutoCloseable claim(AppId app);

    /** True when a live controller holds a claim on {@code app}'s rollout, or when that cannot be known now. */
    boolean owned(AppId app);

    /** Nobody claims anything: every rollout in the state is taken for abandoned (one process, at its start). */
    static RolloutOwners none() {
        return new RolloutOwners() {
            @Override
            public AutoCloseable claim(AppId app) {
                return () -> { };
            }

            @Override
            public boolean owned(AppId app) {
                return false;
            }
        };
    }
}
