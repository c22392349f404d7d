package dev.skep.supervise.workspace;

import dev.skep.model.fs.RecursiveDelete;
import dev.skep.model.fs.TreeSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The copies when the agent cannot mount (not root, or no overlay here): each launch copies the
 * slug ({@code cp -a --reflink=auto}: shared blocks on filesystems that have reflinks, a full copy
 * elsewhere, never hardlinks, which would let a write reach the slug) and puts a link to each volume
 * where it goes. Correct, but a launch costs a copy of the slug.
 */
public final class CopyWorkspaces implements Workspaces {

    private final Path workRoot;
    /** Each instance's slug, and each slug's size: what a copy holds beyond it is what the app wrote. */
    private final Map<String, Path> slugs = new ConcurrentHashMap<>();
    private final Map<Path, Long> slugSizes = new ConcurrentHashMap<>();

    public CopyWorkspaces(Path workRoot) {
        this.workRoot = workRoot;
    }

    @Override
    public Prepared prepare(String instance, Path slug, Owner owner, List<VolumeMount> volumes) throws IOException {
        Path dir = workRoot.resolve(instance);
        Path app = dir.resolve("app");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        RecursiveDelete.delete(app);
        for (VolumeMount v : volumes) {
            VolumeSites.check(slug, v.path());
        }
        FileTrees.copy(slug, app);
        FileTrees.ownerWritable(app); // the slug is read-only; its copy is not
        if (owner != null) {
            FileTrees.chown(app, owner.uid(), owner.gid());
        }
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwx------"));
        slugs.put(instance, slug);
        for (VolumeMount v : volumes) {
            Path at = app.resolve(v.path());
            RecursiveDelete.delete(at);
            Files.createDirectories(at.getParent());
            Files.createSymbolicLink(at, v.source());
        }
        return new Prepared(app, List.of());
    }

    @Override
    public void remove(String instance) throws IOException {
        slugs.remove(instance);
        RecursiveDelete.delete(workRoot.resolve(instance));
    }

    @Override
    public long written(String instance) throws IOException {
        Path slug = slugs.get(instance);
        if (slug == null) {
            return 0;
        }
        Long base = slugSizes.get(slug);
        if (base == null) {
            base = TreeSize.bytes(slug); // a slug never changes: measured once
            slugSizes.put(slug, base);
        }
        // volumes are links in the copy, never followed: they are measured on their own
        return Math.max(0, TreeSize.bytes(workRoot.resolve(instance).resolve("app")) - base);
    }

    @Override
    public String kind() {
        return "copy";
    }
}
