package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.Release;
import dev.skep.model.VolumePaths;
import dev.skep.supervise.workspace.Owner;
import dev.skep.supervise.workspace.Prepared;
import dev.skep.supervise.workspace.SlugSeal;
import dev.skep.supervise.workspace.VolumeDirs;
import dev.skep.supervise.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a launch in a release needs on disk, for an instance and a one-off alike: the sealed slug, then its copy. */
final class LaunchDirs {

    private LaunchDirs() {
    }

    /** The release's slug, here and sealed (nothing that runs in it can change it). */
    static Path sealedSlug(RunnerContext ctx, Release release, Owner owner) throws IOException {
        Path slugDir = ctx.slugs().checkout(release.slug());
        SlugSeal.seal(slugDir, owner);
        return slugDir;
    }

    /** A fresh writable copy of {@code slugDir} for launch {@code id}, with the assignment's volumes in place. */
    static Prepared prepare(RunnerContext ctx, String id, Assignment assignment, Path slugDir, Owner owner)
            throws IOException {
        List<Workspaces.VolumeMount> mounts = new ArrayList<>();
        // the app's own disk first (with a loop image: mounted here, before the instance's namespace copies the mounts)
        Path volumes = ctx.disks().prepare(assignment.app());
        for (String path : assignment.volumes()) {
            Path dir = VolumeDirs.ensure(volumes.resolve(VolumePaths.storageName(path)), slugDir, path,
                    owner, assignment.app().toString());
            mounts.add(new Workspaces.VolumeMount(dir, path));
        }
        return ctx.workspaces().prepare(id, slugDir, owner, mounts);
    }
}
