package dev.skep.model.node;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.fs.RecursiveDelete;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node releases downloaded once per host and kept for every app and agent on it:
 * {@code DIR/22.23.5/bin/node}; or, as {@link #npm}, npm releases laid out as a global install
 * ({@code DIR/8.19.4/bin/npm}, a link to {@code lib/node_modules/npm/bin/npm-cli.js}), the npm a build
 * on an older fetched Node runs. A release is fetched into {@code DIR/.download-*}, checked
 * (integrity, then {@code node --version} runs here and says the same version) and renamed into
 * place in one step, so a reader sees a whole release or none, and two processes that download at
 * once both end with the same one. Releases are world-readable: apps run them under their own uids.
 */
public final class NodeCache {

    private static final Logger log = LoggerFactory.getLogger(NodeCache.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STALE_DOWNLOAD = Duration.ofHours(1);
    /** Where npm's package goes in a release: where a global install of npm has it. */
    private static final String NPM_PACKAGE = "lib/node_modules/npm";

    private final Path dir;
    private final NodeDist dist;
    private final Contents contents;

    /** What a release of the cached package holds, and how a download is told to be whole. */
    private enum Contents {
        /** {@code bin/node}, checked by running it. */
        NODE("node"),
        /** npm's own package under {@code lib/node_modules/npm}, with {@code bin/npm} and {@code bin/npx} linked. */
        NPM("npm");

        final String executable;

        Contents(String executable) {
            this.executable = executable;
        }
    }
    /** Per release dir, for the whole JVM: a controller's builds and its agent hold caches of their own on one dir. */
    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    public NodeCache(Path dir, NodeDist dist) {
        this(dir, dist, Contents.NODE);
    }

    private NodeCache(Path dir, NodeDist dist, Contents contents) {
        this.dir = dir.toAbsolutePath().normalize();
        this.dist = dist;
        this.contents = contents;
    }

    /** npm releases from {@code dist} (the package npm): {@link #binary} is a release's {@code bin/npm}. */
    public static NodeCache npm(Path dir, NodeDist dist) {
        return new NodeCache(dir, dist, Contents.NPM);
    }

    public Path dir() {
        return dir;
    }

    public NodeDist dist() {
        return dist;
    }

    /** Where that release's node (or npm) is once cached. */
    public Path binary(NodeVersion version) {
        return dir.resolve(version.toString()).resolve("bin").resolve(contents.executable);
    }

    public boolean has(NodeVersion version) {
        return Files.isExecutable(binary(version));
    }

    /** The release's node, downloaded first if this host does not have it yet. */
    public Path ensure(NodeVersion version) {
        if (has(version)) {
            return binary(version);
        }
        synchronized (LOCKS.computeIfAbsent(dir.resolve(version.toString()), v -> new Object())) {
            if (has(version)) {
                return binary(version);
            }
            download(version);
            return binary(version);
        }
    }

    /** The releases the registry lists (to choose from); asked with this cache's dir as the work dir. */
    public List<NodeVersion> available() {
        createDir();
        return dist.versions(dir);
    }

    private void download(NodeVersion version) {
        createDir();
        removeStaleDownloads();
        long started = System.nanoTime();
        Path work = null;
        try {
            work = Files.createTempDirectory(dir, ".download-" + version + "-");
            log.info("event=node.download-started version={} package={}", version, dist.packageName());
            Path tarball = dist.download(version, work);
            long bytes = Files.size(tarball);
            Path unpacked = Files.createDirectory(work.resolve("node"));
            Path into = contents == Contents.NPM ? Files.createDirectories(unpacked.resolve(NPM_PACKAGE)) : unpacked;
            // --no-same-owner: as root tar would keep the packer's uids
            Command.run(List.of("tar", "-xzf", tarball.toString(), "-C", into.toString(), "--strip-components=1",
                    "--no-same-owner"), work, CHECK_TIMEOUT.multipliedBy(4));
            if (contents == Contents.NPM) {
                checkNpm(version, unpacked);
            } else {
                check(version, unpacked.resolve("bin").resolve("node"), work);
            }
            openUp(unpacked);
            try {
                Files.move(unpacked, dir.resolve(version.toString()), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw e;
            } catch (IOException e) {
                if (!has(version)) {
                    throw e;
                }
                log.info("event=node.download-raced version={} (another process cached it first)", version);
            }
            log.info("event=node.downloaded version={} package={} bytes={} took_ms={} dir={}", version,
                    dist.packageName(), bytes, Duration.ofNanos(System.nanoTime() - started).toMillis(),
                    dir.resolve(version.toString()));
        } catch (AtomicMoveNotSupportedException e) {
            throw new SkepException(Kind.FAILED, "could not move Node " + version + " into " + dir + " in one step",
                    "keep the data directory on one file system", e);
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not cache Node " + version + " in " + dir + " ("
                    + e.getMessage() + ")", "check the server's disk space and data directory", e);
        } catch (RuntimeException e) {
            log.warn("event=node.download-failed version={} package={} error=\"{}\"", version, dist.packageName(),
                    e.getMessage());
            throw e;
        } finally {
            deleteTree(work);
        }
    }

    /** The binary runs on this host and is the release it claims to be. */
    private static void check(NodeVersion version, Path node, Path work) {
        if (!Files.isExecutable(node)) {
            throw new SkepException(Kind.FAILED, "the package of Node " + version + " has no executable bin/node",
                    "check the registry npm uses");
        }
        String said = Command.run(List.of(node.toString(), "--version"), work, CHECK_TIMEOUT).strip();
        if (!said.equals("v" + version)) {
            throw new SkepException(Kind.FAILED, "the Node " + version + " binary says it is \"" + said + "\"",
                    "check the registry npm uses");
        }
    }

    /**
     * The package is the release it claims to be (integrity was checked against the registry's); links
     * bin/npm and bin/npx to its scripts, as a global install does (its own bin/npm is a Windows shell shim).
     */
    private static void checkNpm(NodeVersion version, Path release) throws IOException {
        Path pkg = release.resolve(NPM_PACKAGE);
        Path cli = pkg.resolve("bin").resolve("npm-cli.js");
        if (!Files.isRegularFile(cli) || !NpmPackage.version(pkg).equals(Optional.of(version.toString()))) {
            throw new SkepException(Kind.FAILED, "the package of npm " + version + " has no bin/npm-cli.js of that "
                    + "version", "check the registry npm uses");
        }
        Path bin = Files.createDirectories(release.resolve("bin"));
        for (String name : List.of("npm", "npx")) {
            Path script = pkg.resolve("bin").resolve(name + "-cli.js");
            script.toFile().setExecutable(true, false);
            Files.createSymbolicLink(bin.resolve(name), bin.relativize(script));
        }
    }

    /** Directories 0755: apps running under their own uids must reach the binary. */
    private static void openUp(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    private void createDir() {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not create " + dir + " (" + e.getMessage() + ")",
                    "check the server's data directory", e);
        }
    }

    /** Downloads a killed process left behind. */
    private void removeStaleDownloads() {
        Instant cutoff = Instant.now().minus(STALE_DOWNLOAD);
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> p.getFileName().toString().startsWith(".download-"))
                    .filter(p -> modifiedBefore(p, cutoff)).forEach(NodeCache::deleteTree);
        } catch (IOException e) {
            log.warn("event=node.cleanup-failed dir={} error=\"{}\"", dir, e.toString());
        }
    }

    private static boolean modifiedBefore(Path p, Instant cutoff) {
        try {
            FileTime t = Files.getLastModifiedTime(p);
            return t.toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try {
            RecursiveDelete.delete(root);
        } catch (IOException e) {
            log.warn("event=node.cleanup-failed dir={} error=\"{}\"", root, e.toString());
        }
    }
}
