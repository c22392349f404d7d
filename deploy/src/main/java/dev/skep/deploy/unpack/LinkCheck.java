package dev.skep.deploy.unpack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Follows a symlink the way the kernel would, through the links already on disk, and says why it
 * leaves the root. A purely textual check is not enough: with {@code a/b/s -> ../..} the link
 * {@code a/b/t -> s/..} reads as {@code a/b} but resolves to the root's parent.
 */
final class LinkCheck {

    /** Linux gives up after 40 links (ELOOP); so do we. */
    private static final int MAX_HOPS = 40;

    private final Path root;
    private int hops;
    private String problem;

    private LinkCheck(Path root) {
        this.root = root;
    }

    /**
     * Why {@code link}, a symlink under {@code root}, escapes or loops; empty if every step of its
     * resolution stays inside. Both paths must be real (no symlinks above {@code link}'s parent).
     */
    static Optional<String> problem(Path root, Path link) throws IOException {
        LinkCheck check = new LinkCheck(root);
        check.walk(link.normalize().getParent(), Files.readSymbolicLink(link));
        return Optional.ofNullable(check.problem);
    }

    /** Where {@code target}, read from a link in {@code dir}, lands; null once a problem is found. */
    private Path walk(Path dir, Path target) throws IOException {
        if (target.isAbsolute()) {
            return fail("points to an absolute path");
        }
        Path current = dir;
        for (Path part : target) {
            String name = part.toString();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (current.equals(root)) {
                    return fail("points outside the upload");
                }
                current = current.getParent();
                continue;
            }
            Path next = current.resolve(name);
            if (Files.isSymbolicLink(next)) {
                if (++hops > MAX_HOPS) {
                    return fail("is part of a loop of links");
                }
                current = walk(current, Files.readSymbolicLink(next));
                if (current == null) {
                    return null;
                }
            } else {
                current = next;
            }
        }
        return current;
    }

    private Path fail(String why) {
        problem = why;
        return null;
    }
}
