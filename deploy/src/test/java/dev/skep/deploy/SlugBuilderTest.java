package dev.skep.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.deploy.build.NodeBuilder;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlugBuilderTest {

    private static final Path CACHE = Path.of("target/npm-cache").toAbsolutePath();
    private static final AppId ALICE_HELLO = new AppId("alice", "hello");

    @TempDir
    Path data;

    private final List<String> heard = new ArrayList<>();
    private final DeployListener listener = (stage, message) -> heard.add(stage + ": " + message);

    @Test
    void buildsHelloIntoASlugNamedAfterTheAppAndTheUpload() throws IOException {
        SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(), realNpm());

        BuiltSlug built = builder.build(ALICE_HELLO, Tarball.create().tree(Fixtures.app("hello"), "./").stream(),
                Map.of(), listener);

        assertThat(built.slug()).matches("alice\\.hello\\.[0-9a-f]{12}").isEqualTo("alice.hello." + built.sha256().substring(0, 12));
        assertThat(built.command()).containsExactly("node", "server.js");
        assertThat(built.appDir()).isEqualTo(data.resolve("slugs").resolve(built.slug()).toAbsolutePath());
        assertThat(built.appDir().resolve("server.js")).exists();
        assertThat(built.build().how()).isEqualTo("none");
        assertThat(heard).extracting(line -> line.substring(0, line.indexOf(':')))
                .containsExactly("received", "unpacked", "built");
        assertThat(builder.store().checkout(built.slug())).isEqualTo(built.appDir());
        assertNoLeftovers(built.slug());
    }

    @Test
    void theSameUploadToTheSameAppIsNotBuiltTwice() throws IOException {
        SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(), realNpm());
        byte[] tarball = Tarball.create().tree(Fixtures.app("hello"), "").bytes();
        BuiltSlug first = builder.build(ALICE_HELLO, new ByteArrayInputStream(tarball), Map.of(), listener);
        heard.clear();

        BuiltSlug again = builder.build(ALICE_HELLO, new ByteArrayInputStream(tarball), Map.of(), listener);

        assertThat(again.slug()).isEqualTo(first.slug());
        assertThat(again.command()).containsExactly("node", "server.js");
        assertThat(again.build().detail()).isEqualTo("slug already built from this upload");
        assertThat(heard).noneMatch(line -> line.startsWith("unpacked"));
        assertNoLeftovers(first.slug());
    }

    @Test
    void aSingleTopFolderBecomesTheSlugRoot() throws IOException {
        SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(), realNpm());

        BuiltSlug built = builder.build(ALICE_HELLO,
                Tarball.create().tree(Fixtures.app("hello"), "hello-main/").stream(), Map.of(), listener);

        assertThat(built.appDir().resolve("package.json")).exists();
        assertNoLeftovers(built.slug());
    }

    @Test
    void buildsWithDepsWithNpmCiThenInstallsOverTheCachedNodeModulesForTheNextRelease() throws IOException {
        SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(), realNpm());
        AppId app = new AppId("alice", "with-deps");

        BuiltSlug first = builder.build(app, Tarball.create().tree(Fixtures.app("with-deps"), "./").stream(),
                Map.of(), listener);

        assertThat(first.build().how()).isEqualTo("npm ci");
        assertThat(first.command()).containsExactly("node", "index.js");
        assertThat(first.appDir().resolve("node_modules/ms/package.json")).exists();
        assertThat(heard).anyMatch(line -> line.startsWith("build: "));
        assertThat(node(first.appDir(), "console.log(require('ms')('2 days'))")).isEqualTo("172800000");

        // New code, same dependencies.
        BuiltSlug second = builder.build(app, Tarball.create().tree(Fixtures.app("with-deps"), "./")
                .file("./VERSION", "2").stream(), Map.of(), listener);

        assertThat(second.slug()).isNotEqualTo(first.slug());
        assertThat(second.build().how()).isEqualTo("cached npm install");
        assertThat(second.appDir().resolve("node_modules/ms/package.json")).exists();
        assertThat(first.appDir()).exists();
        assertNoLeftovers(first.slug(), second.slug());
    }

    @Test
    void aStartFileTheBuildCreatesIsFoundAfterTheBuild() throws IOException {
        SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(), realNpm());

        BuiltSlug built = builder.build(new AppId("alice", "ts"),
                Tarball.create().tree(Fixtures.app("typescript"), "./").stream(), Map.of(), listener);

        assertThat(built.command()).containsExactly("node", "dist/server.js");
        assertThat(built.appDir().resolve("dist/server.js")).exists();
        assertThat(built.appDir().resolve("node_modules/typescript")).doesNotExist();
        assertThat(heard).contains("build: $ npm run build");
        assertNoLeftovers(built.slug());
    }

    @Test
    void aStartFileTheBuildDoesNotCreateFailsAfterTheBuildAndLeavesNothing() {
        SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(), realNpm());
        String pkg = "{\"name\":\"x\",\"scripts\":{\"build\":\"node -e 0\",\"start\":\"node dist/server.js\"}}";

        assertThatThrownBy(() -> builder.build(ALICE_HELLO, Tarball.create().file("package.json", pkg).stream(),
                Map.of(), listener)).isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).isEqualTo("package.json scripts.start 'node dist/server.js' runs "
                            + "dist/server.js, which is not in the upload nor made by its build");
                });
        assertThat(heard).contains("build: $ npm run build");
        assertNoLeftovers();
    }

    @Test
    void aDeletedAppLosesItsBuildCache() throws IOException {
        SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(), realNpm());
        AppId app = new AppId("alice", "with-deps");
        builder.build(app, Tarball.create().tree(Fixtures.app("with-deps"), "./").stream(), Map.of(), listener);
        assertThat(data.resolve("build-cache/alice.with-deps/node_modules/ms")).exists();

        builder.forget(app);

        assertThat(data.resolve("build-cache/alice.with-deps")).doesNotExist();
    }

    // --- failures leave nothing behind ---

    @Test
    void aHostileUploadIsRefusedAndLeavesNothing() {
        SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(), realNpm());

        failsCleanly(() -> builder.build(ALICE_HELLO, Tarball.create().file("package.json", "{}")
                .file("../../evil.js", "x").stream(), Map.of(), listener), Kind.BAD_REQUEST);
        assertThat(data.resolve("evil.js")).doesNotExist();
    }

    @Test
    void anUploadOverTheLimitLeavesNothing() {
        SlugBuilder builder = new SlugBuilder(data, new UploadLimits(1024, 1 << 20, 100), realNpm());

        failsCleanly(() -> builder.build(ALICE_HELLO, new ByteArrayInputStream(new byte[4096]),
                Map.of(), listener), Kind.TOO_LARGE);
    }

    @Test
    void anAppWithNothingToStartLeavesNothing() {
        SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(), realNpm());

        failsCleanly(() -> builder.build(ALICE_HELLO, Tarball.create().file("package.json", "{\"name\":\"x\"}").stream(),
                Map.of(), listener), Kind.UNPROCESSABLE);
    }

    @Test
    void aFailedNpmPublishesNothing() throws IOException {
        Path bin = Files.createDirectories(data.resolve("fake-bin"));
        Path fake = bin.resolve("npm");
        Files.writeString(fake, "#!/bin/sh\necho 'npm ERR! something broke'\nmkdir -p node_modules/half\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        NodeBuilder failing = new NodeBuilder(data.resolve("cache"), Duration.ofSeconds(30), bin + ":/usr/bin:/bin");
        SlugBuilder builder = new SlugBuilder(data.resolve("d"), UploadLimits.defaults(), failing);

        assertThatThrownBy(() -> builder.build(ALICE_HELLO, Tarball.create().tree(Fixtures.app("with-deps"), "")
                .stream(), Map.of(), listener)).isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).isEqualTo("npm ci failed (exit 1)");
                    assertThat(e.detail()).contains("npm ERR! something broke");
                });
        assertThat(data.resolve("d/tmp")).isEmptyDirectory();
        assertThat(data.resolve("d/slugs")).isEmptyDirectory();
    }

    // --- helpers ---

    /** Runs a line of JavaScript in the slug, as the app would run there; returns its output. */
    private static String node(Path appDir, String script) throws IOException {
        Process node = new ProcessBuilder("node", "-e", script).directory(appDir.toFile())
                .redirectErrorStream(true).start();
        try {
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node finished").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static NodeBuilder realNpm() {
        return new NodeBuilder(CACHE, Duration.ofMinutes(3));
    }

    private void failsCleanly(ThrowingCallable call, Kind kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SkepException.class,
                e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind));
        assertNoLeftovers();
    }

    /** The temp dir is empty and the slugs dir holds exactly these slugs, no work dirs. */
    private void assertNoLeftovers(String... slugs) {
        assertThat(data.resolve("tmp")).isEmptyDirectory();
        Path slugsDir = data.resolve("slugs");
        if (!Files.exists(slugsDir)) {
            assertThat(slugs).isEmpty();
            return;
        }
        try (Stream<Path> list = Files.list(slugsDir)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(slugs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
