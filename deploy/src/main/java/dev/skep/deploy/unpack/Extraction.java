package dev.skep.deploy.unpack;

import static dev.skep.deploy.unpack.EntryPaths.shown;

import dev.skep.deploy.intake.UploadLimits;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes one archive's entries under a root, one entry at a time. Symlinks are only remembered
 * while files are written and created at the very end, so nothing can ever be written through
 * one; then each is followed on disk and must stay inside the root.
 */
final class Extraction {

    private final Path root;
    private final UploadLimits limits;
    private final Map<Path, String> symlinks = new LinkedHashMap<>();
    private final Set<Path> symlinkNames = new HashSet<>();
    private final byte[] buffer = new byte[64 * 1024];
    private long bytes;
    private int entries;

    /** {@code root} must be a real path (no symlinks in it). */
    Extraction(Path root, UploadLimits limits) {
        this.root = root;
        this.limits = limits;
    }

    long bytes() {
        return bytes;
    }

    int entries() {
        return entries;
    }

    void add(TarArchiveEntry entry, ArchiveReader reader) throws IOException {
        if (++entries > limits.maxEntries()) {
            throw new SkepException(Kind.TOO_LARGE, "upload has more than " + limits.maxEntries() + " entries",
                    "leave node_modules out of the tarball; npm installs dependencies");
        }
        String name = entry.getName();
        String what = "entry '" + shown(name) + "'";
        Path relative = EntryPaths.relative(name, what);
        if (relative.toString().isEmpty()) {
            return; // "./": the root itself
        }
        requireNotThroughSymlink(relative, what);
        if (entry.isSymbolicLink()) {
            addSymlink(relative, entry.getLinkName());
        } else if (entry.isLink()) {
            addHardLink(relative, entry.getLinkName());
        } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            throw rejected(what + " is a device node");
        } else if (entry.isFIFO()) {
            throw rejected(what + " is a FIFO");
        } else if (entry.isDirectory()) {
            Path dir = root.resolve(relative);
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw rejected(what + " is a directory where a file was already unpacked");
            }
            createParents(dir, what);
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, EntryModes.directory(entry.getMode()));
        } else if (isRegularFile(entry)) {
            writeFile(root.resolve(relative), entry, reader, what);
        } else {
            throw rejected(what + " has an unsupported type '" + (char) entry.getLinkFlag() + "'");
        }
    }

    /** Creates the remembered symlinks, then follows each one on disk. */
    void finish() throws IOException {
        for (Map.Entry<Path, String> link : symlinks.entrySet()) {
            Path path = root.resolve(link.getKey());
            String what = "symlink '" + shown(link.getKey().toString()) + "'";
            createParents(path, what);
            try {
                Files.createSymbolicLink(path, Path.of(link.getValue()));
            } catch (FileAlreadyExistsException e) {
                throw rejected(what + " has the same name as a file or directory in the archive");
            }
        }
        for (Map.Entry<Path, String> link : symlinks.entrySet()) {
            Optional<String> problem = LinkCheck.problem(root, root.resolve(link.getKey()));
            if (problem.isPresent()) {
                throw rejected("symlink '" + shown(link.getKey().toString()) + "' -> '" + shown(link.getValue())
                        + "' " + problem.get());
            }
        }
    }

    private void addSymlink(Path relative, String target) {
        String what = "symlink '" + shown(relative.toString()) + "' -> '" + shown(target) + "'";
        if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
            throw rejected(what + " has no valid target");
        }
        if (target.startsWith("/")) {
            throw rejected(what + " points to an absolute path");
        }
        symlinks.put(relative, target);
        symlinkNames.add(relative);
    }

    private void addHardLink(Path relative, String target) throws IOException {
        String what = "hard link '" + shown(relative.toString()) + "' -> '" + shown(target) + "'";
        Path targetRelative = EntryPaths.relative(target, what);
        requireNotThroughSymlink(targetRelative, what);
        Path existing = root.resolve(targetRelative);
        if (targetRelative.toString().isEmpty() || !Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
            throw rejected(what + " does not point to a file earlier in the archive");
        }
        Path path = root.resolve(relative);
        createParents(path, what);
        replaceFile(path, what);
        Files.createLink(path, existing);
    }

    private void writeFile(Path path, TarArchiveEntry entry, ArchiveReader reader, String what) throws IOException {
        createParents(path, what);
        replaceFile(path, what);
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = reader.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                bytes += n;
            }
        }
        Files.setPosixFilePermissions(path, EntryModes.file(entry.getMode()));
    }

    /** Tar lets a later entry replace an earlier file; unlink first so a hard link's other name is untouched. */
    private void replaceFile(Path path, String what) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw rejected(what + " has the same name as a directory in the archive");
        }
        Files.deleteIfExists(path);
    }

    private void createParents(Path path, String what) throws IOException {
        try {
            Files.createDirectories(path.getParent());
        } catch (FileAlreadyExistsException e) {
            throw rejected(what + " is inside something that is a file in the archive");
        }
    }

    private void requireNotThroughSymlink(Path relative, String what) {
        for (Path up = relative.getParent(); up != null; up = up.getParent()) {
            if (symlinkNames.contains(up)) {
                throw rejected(what + " is written through symlink '" + shown(up.toString()) + "'");
            }
        }
        if (symlinkNames.contains(relative)) {
            throw rejected(what + " has the same name as a symlink in the archive");
        }
    }

    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG;
    }

    private static SkepException rejected(String why) {
        return SkepException.badRequest("unsafe archive: " + why,
                "the archive may only hold files, directories and links that stay inside the app");
    }
}
