package dev.skep.deploy.release;

import dev.skep.model.SkepException;

/**
 * The deploy's answer when its release serves but its probation watch ended early (skep stopping, the deploy
 * interrupted): not a success, since it was not watched to the end, and not a failure either. A caller that records
 * what was deployed (a git push moving its branch) takes the release as deployed.
 */
public final class ProbationCut extends SkepException {

    private final int release;

    public ProbationCut(int release, String message, String detail) {
        super(Kind.UNAVAILABLE, message, detail);
        this.release = release;
    }

    /** The release that serves. */
    public int release() {
        return release;
    }
}
