package dev.skep.api.git;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Writes a pushed tree into an empty directory, as {@code git checkout} would (files with their executable bit,
 * symbolic links as links, submodules left out), so the tree can then be packed exactly as {@code skep deploy}
 * packs a directory. Bounded like a tarball upload: a small pack of huge blobs stops at the unpacked limit.
 */
final class TreeCheckout {

    /** What went in: entries written and their bytes, and what was left out that the pusher should hear of. */
    record Result(int entries, long bytes, List<String> warnings) {
    }

    private TreeCheckout() {
    }

    /**
     * @param target     an empty (or missing) directory
     * @param maxBytes   file contents in all, above which the push is refused
     * @param maxEntries files, directories and links in all
     */
    static Result write(ObjectReader reader, ObjectId tree, Path target, long maxBytes, int maxEntries)
            throws IOException {
        Files.createDirectories(target);
        Path root = target.toRealPath();
        List<String> warnings = new ArrayList<>();
        int entries = 0;
        long bytes = 0;
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(tree);
            walk.setRecursive(false);
            while (walk.next()) {
                String name = walk.getPathString();
                Path path = root.resolve(name).normalize();
                if (!path.startsWith(root) || path.equals(root)) {
                    // received objects are fsck-checked (no "..", ".git", "/" in names): this is a second line only
                    throw new SkepException(Kind.UNPROCESSABLE, "the pushed tree names " + name + ", outside the app",
                            "push a tree of ordinary paths");
                }
                if (++entries > maxEntries) {
                    throw new SkepException(Kind.TOO_LARGE, "the pushed tree has more than " + maxEntries + " entries",
                            "leave node_modules and build output out of the repository; npm installs dependencies");
                }
                FileMode mode = walk.getFileMode(0);
                if (mode == FileMode.TREE) {
                    Files.createDirectory(path);
                    walk.enterSubtree();
                } else if (mode == FileMode.SYMLINK) {
                    ObjectLoader link = reader.open(walk.getObjectId(0));
                    if (link.getSize() > 4096) {
                        warnings.add("left out " + name + ": a link target longer than 4096 bytes");
                        continue;
                    }
                    // only made, never followed here; Tarball keeps it only when it points inside the app
                    Files.createSymbolicLink(path, Path.of(new String(link.getBytes(), StandardCharsets.UTF_8)));
                } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
                    ObjectLoader blob = reader.open(walk.getObjectId(0));
                    bytes += blob.getSize();
                    if (bytes > maxBytes) {
                        throw new SkepException(Kind.TOO_LARGE, "the pushed tree is larger than " + maxBytes
                                + " bytes unpacked", "leave node_modules and build output out of the repository");
                    }
                    // CREATE_NEW: never writes through a link or over anything already there
                    try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        blob.copyTo(out);
                    }
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                            mode == FileMode.EXECUTABLE_FILE ? "rwxr-xr-x" : "rw-r--r--"));
                } else if (mode == FileMode.GITLINK) {
                    warnings.add("left out " + name + ": a submodule (only the pushed repository's own files deploy)");
                } else {
                    warnings.add("left out " + name + ": not a file, directory or link");
                }
            }
        }
        return new Result(entries, bytes, List.copyOf(warnings));
    }
}
