package dev.skep.deploy;

import dev.skep.deploy.build.BuildResult;
import java.nio.file.Path;
import java.util.List;

/**
 * A slug ready to release.
 *
 * @param slug        slug id, see {@link dev.skep.deploy.release.SlugIds}
 * @param sha256      of the upload as sent
 * @param command     argv to start the app, run in {@code appDir}
 * @param appDir      the slug's directory in the local store
 */
public record BuiltSlug(String slug, String sha256, long uploadBytes, List<String> command, Path appDir,
                        BuildResult build) {

    public BuiltSlug {
        command = List.copyOf(command);
    }
}
