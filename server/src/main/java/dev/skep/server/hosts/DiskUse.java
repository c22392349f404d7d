package dev.skep.server.hosts;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.SshHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** How much room a copy of local files takes on a remote file system, to refuse it before it runs out. */
final class DiskUse {

    private DiskUse() {
    }

    /** The bytes of the regular files under {@code root} (or of {@code root} itself) that {@code skip} keeps. */
    static long of(Path root, Predicate<Path> skip) throws IOException {
        if (!Files.isDirectory(root)) {
            return Files.size(root);
        }
        long bytes = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                        && !skip.test(root.relativize(path))) {
                    bytes += Files.size(path);
                }
            }
        }
        return bytes;
    }

    /** {@code bytes} plus what blocks and directories add on a file system: 5%, at least 1 MiB. */
    static long withSlack(long bytes) {
        return bytes + Math.max(1 << 20, bytes / 20);
    }

    /**
     * Fails before a copy of {@code bytes} into {@code path} that its file system has no room for: a copy that
     * runs out of space part-way takes as long and leaves a half-written tree behind.
     */
    static void requireRoom(SshHost host, String path, long bytes) throws HostFailure {
        long free = host.freeBytes(path.substring(0, path.lastIndexOf('/')));
        long need = withSlack(bytes);
        if (free >= 0 && free < need) {
            throw host.noSpace(path, "it needs about " + mib(need) + ", the file system has " + mib(free) + " free");
        }
    }

    static String mib(long bytes) {
        return (bytes + (1 << 20) - 1 >> 20) + " MiB";
    }
}
