package dev.skep.deploy.build;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a build needs besides the app's files.
 *
 * @param config   the app's config vars: the build sees them, as a Heroku build does
 * @param cacheDir this app's build cache (node_modules, .next/cache), if it keeps one
 * @param user     who the build runs as when skep is root
 */
public record BuildRequest(Map<String, String> config, Optional<Path> cacheDir, Optional<BuildUser> user) {

    public BuildRequest {
        config = Map.copyOf(config);
    }

    /** No config, no cache, as skep's own user. */
    public static BuildRequest plain() {
        return new BuildRequest(Map.of(), Optional.empty(), Optional.empty());
    }

    public BuildRequest withConfig(Map<String, String> newConfig) {
        return new BuildRequest(newConfig, cacheDir, user);
    }

    public BuildRequest withCache(Path dir) {
        return new BuildRequest(config, Optional.of(dir), user);
    }
}
