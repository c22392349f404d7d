package dev.skep.supervise.workspace;

import dev.skep.model.VolumePaths;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Checked again at each launch (the API checks the release it knows): a mount must never follow a link. */
public final class VolumeSites {

    private VolumeSites() {
    }

    public static void check(Path slug, String path) throws IOException {
        Optional<String> problem = VolumePaths.siteProblem(slug, path);
        if (problem.isPresent()) {
            throw new IOException(problem.get());
        }
    }
}
