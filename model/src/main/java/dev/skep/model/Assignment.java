package dev.skep.model;

import java.time.Instant;

/**
 * The scheduler's order to one agent: run this instance of this release. Everything the agent
 * needs is in the release (slug, command, env); it never reads the AppSpec.
 *
 * @param instance unique instance id, see {@link InstanceIds}
 */
public record Assignment(String instance, String agent, Release release, Instant created) {

    public AppId app() {
        return release.app();
    }
}
