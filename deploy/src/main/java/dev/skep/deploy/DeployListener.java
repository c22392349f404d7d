package dev.skep.deploy;

/** Hears the stages of a deploy ("received", "unpacked", "build", "built", "starting"). */
@FunctionalInterface
public interface DeployListener {
    void progress(String stage, String message);

    DeployListener NONE = (stage, message) -> { };
}
