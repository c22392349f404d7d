package dev.skep.deploy;

import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import java.time.Duration;
import java.util.List;

/**
 * Hears how a deploy is going, e.g. to stream it to the client. Called on the deploying thread;
 * must be quick.
 */
@FunctionalInterface
public interface DeployListener {

    String RECEIVED = "received";
    String UNPACKED = "unpacked";
    /** One call per line of npm output. */
    String BUILD = "build";
    String BUILT = "built";
    /** The release serves and is in probation: "in probation for 10 s". */
    String SERVING = "serving";

    void stage(String stage, String message);

    /**
     * The routers send the release its traffic; it is released once {@code probation} passes without one of its
     * instances failing (zero: it is released now). By default a {@link #SERVING} stage when there is a window.
     */
    default void serving(Release release, List<InstanceStatus> ready, Duration probation) {
        if (!probation.isZero()) {
            stage(SERVING, "in probation for " + probation.toSeconds() + " s");
        }
    }

    static DeployListener none() {
        return (stage, message) -> { };
    }
}
