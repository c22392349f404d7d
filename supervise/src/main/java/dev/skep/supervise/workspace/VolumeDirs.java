package dev.skep.supervise.workspace;

import dev.skep.model.fs.RecursiveDelete;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates a volume's directory the first time an instance mounts it: seeded with what the release
 * has at the volume's path (so an upload's initial data is there), then never touched again by a
 * deploy. Owned by the app's uid, mode 0700: no other app reads it. A volume appears by one rename,
 * so a half-seeded one is never mounted.
 */
public final class VolumeDirs {

    private static final Logger log = LoggerFactory.getLogger(VolumeDirs.class);

    private VolumeDirs() {
    }

    /** @return the volume's directory, created and seeded from {@code slug} when absent */
    public static synchronized Path ensure(Path volume, Path slug, String path, Owner owner, String app)
            throws IOException {
        Path parent = volume.getParent();
        Files.createDirectories(parent);
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx--x--x"));
        if (Files.isDirectory(volume, LinkOption.NOFOLLOW_LINKS)) {
            own(volume, owner);
            return volume;
        }
        VolumeSites.check(slug, path);
        Path staging = Files.createTempDirectory(parent, ".new-");
        try {
            Path seed = slug.resolve(path);
            boolean seeded = Files.isDirectory(seed, LinkOption.NOFOLLOW_LINKS);
            if (seeded) {
                FileTrees.copyContents(seed, staging);
                FileTrees.ownerWritable(staging); // a read-only slug's files are the app's to change here
            }
            if (owner != null) {
                FileTrees.chown(staging, owner.uid(), owner.gid());
            }
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
            try {
                Files.move(staging, volume, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                throw new IOException("volume " + path + " of " + app + " appeared meanwhile at " + volume, e);
            }
            log.info("event=volume.created app={} path={} dir={} seeded_from_release={}", app, path, volume, seeded);
            return volume;
        } finally {
            RecursiveDelete.delete(staging);
        }
    }

    private static void own(Path volume, Owner owner) throws IOException {
        if (owner != null && (Integer) Files.getAttribute(volume, "unix:uid", LinkOption.NOFOLLOW_LINKS) != owner.uid()) {
            FileTrees.chown(volume, owner.uid(), owner.gid());
        }
        Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwx------"));
    }
}
