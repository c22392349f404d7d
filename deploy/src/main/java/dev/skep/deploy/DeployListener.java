package dev.skep.deploy;

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

    void stage(String stage, String message);

    static DeployListener none() {
        return (stage, message) -> { };
    }
}
