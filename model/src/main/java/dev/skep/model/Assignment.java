package dev.skep.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;

/**
 * The scheduler's order to one agent: run this instance of this release. Everything the agent
 * needs is in the release (slug, command, env); it never reads the AppSpec.
 *
 * @param instance   unique instance id, see {@link InstanceIds}
 * @param generation the app's restart generation this instance was started for
 * @param volumes    the app's volume paths this instance mounts (absent in older state: none)
 */
public record Assignment(String instance, String agent, Release release, long generation, Instant created,
                         List<String> volumes) {

    @JsonCreator // the canonical one, not the short one below
    public Assignment {
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    public Assignment(String instance, String agent, Release release, long generation, Instant created) {
        this(instance, agent, release, generation, created, List.of());
    }

    public AppId app() {
        return release.app();
    }

    /** The process type it runs, which its id carries ("web" for ids made before process types). */
    public String type() {
        return ProcessTypes.orWeb(InstanceIds.type(instance));
    }

    /** The argv this instance runs: its type's command in the release. */
    public List<String> command() {
        return release.commandOf(type());
    }
}
