package dev.skep.deploy;

import dev.skep.deploy.build.BuildResult;
import dev.skep.deploy.build.StartCommand;
import java.nio.file.Path;
import java.util.List;

/**
 * A slug ready to release.
 *
 * @param slug        slug id, see {@link dev.skep.deploy.slug.SlugIds}
 * @param sha256      of the upload as sent
 * @param processes   what it runs (web, other Procfile types, release phase), argv run in {@code appDir}
 * @param appDir      the slug's directory in the local store
 */
public record BuiltSlug(String slug, String sha256, long uploadBytes, StartCommand.Processes processes, Path appDir,
                        BuildResult build) {

    /** The web argv (empty for a worker-only app). */
    public List<String> command() {
        return processes.web();
    }
}
