package dev.skep.supervise.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Heroku's ephemeral filesystem: each launch of an instance works in a fresh writable copy of its
 * release's slug, which itself never changes; only volumes outlive it. Writes reach no other
 * instance and no later release.
 */
public interface Workspaces {

    /** A volume of the app: {@code source} is mounted at {@code path} (relative, validated) inside the copy. */
    record VolumeMount(Path source, String path) {
    }

    /**
     * A fresh copy of {@code slug} for instance {@code instance}, with {@code volumes} in place; what
     * the former launch wrote there is gone.
     */
    Prepared prepare(String instance, Path slug, Owner owner, List<VolumeMount> volumes) throws IOException;

    /** Deletes what the instance's copies left on disk; called once it is stopped for good. */
    void remove(String instance) throws IOException;

    /**
     * Bytes the instance's current copy holds beyond its slug (what it wrote), for a quota that is measured;
     * 0 when unknown (a copy made before an agent restart).
     */
    long written(String instance) throws IOException;

    /** A word for the logs: "overlay" or "copy". */
    String kind();
}
