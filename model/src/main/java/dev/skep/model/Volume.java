package dev.skep.model;

import java.time.Instant;

/**
 * A directory of an app that outlives its instances and releases: mounted into every instance at
 * {@code path} (relative to the app's root), stored on one agent only, so the app's instances are
 * placed there.
 *
 * @param path    normalized by {@link VolumePaths#validate}, e.g. "data" or "var/uploads"
 * @param agent   the agent that holds the data; the scheduler places the app's instances only there
 * @param created when it was added
 */
public record Volume(String path, String agent, Instant created) {

    public Volume {
        path = VolumePaths.validate(path);
        if (agent == null || agent.isBlank()) {
            throw new IllegalArgumentException("a volume needs the agent that holds it");
        }
    }

    /** The directory name the volume is stored under: its path with "/" as "+" (never in a valid segment). */
    public String name() {
        return VolumePaths.storageName(path);
    }
}
