package dev.skep.supervise.workspace;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Makes a slug unwritable by apps before any instance of it runs, once per slug.
 *
 * <p>Root: the slug's top dir is root's, mode 0700, so no app can reach it at all; its app reads it
 * only through the overlay it runs in (mounted by root), where everything below belongs to the app's
 * uid so that its copy is writable (writes go to the copy's upper dir). Not root: apps run as the
 * agent's uid, so the slug is made read-only (dirs 0555, files without write bits); they run in a
 * copy, and write bits keep nothing from an owner who could chmod them back: that is the limit of
 * running without root.
 */
public final class SlugSeal {

    private static final Set<PosixFilePermission> SEALED_TOP = PosixFilePermissions.fromString("rwx------");

    private SlugSeal() {
    }

    public static void seal(Path slug, Owner owner) throws IOException {
        if (owner != null) {
            sealForRoot(slug, owner);
        } else {
            sealReadOnly(slug);
        }
    }

    private static void sealForRoot(Path slug, Owner owner) throws IOException {
        int topOwner = (Integer) Files.getAttribute(slug, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (topOwner == 0 && Files.getPosixFilePermissions(slug, LinkOption.NOFOLLOW_LINKS).equals(SEALED_TOP)
                && childrenOwnedBy(slug, owner)) {
            return;
        }
        // the top dir is changed last: until then the slug does not count as sealed
        try (var paths = Files.walk(slug)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (p.equals(slug)) {
                    continue;
                }
                if ((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) != owner.uid()) {
                    Files.setAttribute(p, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        Files.setAttribute(slug, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(slug, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(slug, SEALED_TOP);
    }

    private static boolean childrenOwnedBy(Path slug, Owner owner) throws IOException {
        try (var children = Files.list(slug)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                if ((Integer) Files.getAttribute(child, "unix:uid", LinkOption.NOFOLLOW_LINKS) != owner.uid()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void sealReadOnly(Path slug) throws IOException {
        if (!Files.getPosixFilePermissions(slug, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_WRITE)) {
            return;
        }
        Files.walkFileTree(slug, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.setPosixFilePermissions(file, withoutWrite(file));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                // children first, the top dir last: until then the slug does not count as sealed
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static Set<PosixFilePermission> withoutWrite(Path file) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        mode.remove(PosixFilePermission.OWNER_WRITE);
        mode.remove(PosixFilePermission.GROUP_WRITE);
        mode.remove(PosixFilePermission.OTHERS_WRITE);
        return mode;
    }
}
