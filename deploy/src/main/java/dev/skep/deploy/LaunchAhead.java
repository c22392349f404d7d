package dev.skep.deploy;

import dev.skep.model.AppId;

/**
 * What an agent sharing this process readies for an app's instances while its deploy goes on (`skep server`: the
 * app's disk image mounted), so that the new instance starts as soon as it is assigned instead of waiting for it.
 * Best effort: whatever is not ready by then, the launch readies itself.
 */
@FunctionalInterface
public interface LaunchAhead {

    /** Starts readying {@code app}'s launches in the background and returns at once. */
    void ready(AppId app);

    /** No agent in this process: nothing to ready. */
    static LaunchAhead none() {
        return app -> { };
    }
}
