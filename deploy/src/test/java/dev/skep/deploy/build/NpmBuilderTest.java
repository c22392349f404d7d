package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.skep.deploy.Fixtures;
import dev.skep.deploy.fs.TreeCopy;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two kinds of npm: the real one (against the registry) for what only it can prove, and a shell
 * script standing in for it for what npm must be given (argv, environment, stdin) and for the
 * timeout, which no real install should be made to hit.
 */
class NpmBuilderTest {

    /** Shared by every run of these tests, as the server's cache is shared by every build. */
    private static final Path CACHE = Path.of("target/npm-cache").toAbsolutePath();

    @TempDir
    Path tmp;

    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    // --- the real npm ---

    @Test
    void runsNpmCiWithALockfileThenReusesNodeModulesWhenNothingChanged() throws IOException {
        NpmBuilder npm = new NpmBuilder(CACHE, Duration.ofMinutes(3));
        Path first = copyOf("with-deps", "first");

        BuildResult built = npm.build(first, Optional.empty(), output::add);

        assertThat(built.how()).isEqualTo("npm ci");
        assertThat(first.resolve("node_modules/ms/package.json")).exists();

        Path second = copyOf("with-deps", "second");
        BuildResult again = npm.build(second, Optional.of(first), output::add);

        assertThat(again.how()).isEqualTo("reused");
        assertThat(again.detail()).isEqualTo("hard-linked node_modules from the previous release");
        assertThat(second.resolve("node_modules/ms/index.js")).hasSameTextualContentAs(
                first.resolve("node_modules/ms/index.js"));
    }

    @Test
    void aDependencyThatDoesNotExistFailsWithNpmsOutput() throws IOException {
        NpmBuilder npm = new NpmBuilder(CACHE, Duration.ofMinutes(3));
        Path app = Files.createDirectory(tmp.resolve("broken"));
        Files.writeString(app.resolve("package.json"),
                "{\"name\":\"broken\",\"version\":\"1.0.0\",\"dependencies\":{\"skep-fixture-no-such-package-7f3a\":\"1.0.0\"}}");

        assertThatThrownBy(() -> npm.build(app, Optional.empty(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).matches("npm install failed \\(exit \\d+\\)");
                    assertThat(e.detail()).contains("404").contains("skep-fixture-no-such-package-7f3a");
                    assertThat(e.detail().lines().count()).isLessThanOrEqualTo(40);
                });
        assertThat(output).isNotEmpty();
    }

    @Test
    void anAppWithoutDependenciesNeedsNoBuild() throws IOException {
        NpmBuilder npm = new NpmBuilder(CACHE, Duration.ofMinutes(3));

        BuildResult built = npm.build(copyOf("hello", "hello"), Optional.empty(), output::add);

        assertThat(built.how()).isEqualTo("none");
        assertThat(output).isEmpty();
    }

    // --- a stand-in npm ---

    @Test
    void npmGetsTheRightArgumentsAMinimalEnvironmentAndNoStdin() throws IOException {
        Path app = copyOf("with-deps", "app");
        NpmBuilder npm = fakeNpm("""
                echo "args: $*"
                echo "stdin: $(readlink /proc/self/fd/0)"
                env | cut -d= -f1 | sort | sed 's/^/env: /'
                """);

        BuildResult built = npm.build(app, Optional.empty(), output::add);

        assertThat(built.how()).isEqualTo("npm ci");
        assertThat(output).contains("args: ci --omit=dev --no-audit --no-fund --cache " + tmp.resolve("cache"));
        assertThat(output).contains("stdin: /dev/null");
        Set<String> names = output.stream().filter(l -> l.startsWith("env: ")).map(l -> l.substring(5))
                .collect(Collectors.toSet());
        // sh adds PWD (and some add SHLVL, _) itself; nothing may come from this JVM's environment.
        assertThat(names).contains("PATH", "HOME", "npm_config_cache")
                .isSubsetOf("PATH", "HOME", "npm_config_cache", "npm_config_update_notifier", "PWD", "SHLVL", "_");
    }

    @Test
    void withoutALockfileItRunsNpmInstall() throws IOException {
        Path app = copyOf("with-deps", "app");
        Files.delete(app.resolve("package-lock.json"));

        BuildResult built = fakeNpm("echo \"args: $*\"").build(app, Optional.empty(), output::add);

        assertThat(built.how()).isEqualTo("npm install");
        assertThat(output.get(0)).startsWith("args: install --omit=dev");
    }

    @Test
    void changedDependenciesAreInstalledAfreshNotReused() throws IOException {
        Path previous = copyOf("with-deps", "previous");
        Files.createDirectories(previous.resolve("node_modules/ms"));
        Path app = copyOf("with-deps", "app");
        Files.writeString(app.resolve("package.json"),
                "{ \"name\": \"with-deps\", \"main\": \"index.js\", \"dependencies\": { \"ms\": \"2.1.2\" } }");

        BuildResult built = fakeNpm("echo ran").build(app, Optional.of(previous), output::add);

        assertThat(built.how()).isEqualTo("npm ci");
    }

    @Test
    void aFailingNpmReportsItsExitCodeAndTheLast40Lines() throws IOException {
        Path app = copyOf("with-deps", "app");
        NpmBuilder npm = fakeNpm("for i in $(seq 1 100); do echo \"line $i\"; done; exit 3");

        assertThatThrownBy(() -> npm.build(app, Optional.empty(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).isEqualTo("npm ci failed (exit 3)");
                    assertThat(e.detail().lines().toList()).hasSize(40).startsWith("line 61").endsWith("line 100");
                });
        assertThat(output).hasSize(100);
    }

    @Test
    void aHungNpmIsKilledWithEverythingItStarted() throws IOException {
        Path app = copyOf("with-deps", "app");
        Path childPid = tmp.resolve("child.pid");
        NpmBuilder npm = fakeNpm("sleep 300 &\necho $! > " + childPid + "\necho waiting\nwait", Duration.ofSeconds(2));

        assertThatThrownBy(() -> npm.build(app, Optional.empty(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).isEqualTo("npm ci timed out after 2s");
                    assertThat(e.detail()).contains("waiting");
                });
        long pid = Long.parseLong(Files.readString(childPid).strip());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    // --- helpers ---

    private Path copyOf(String fixture, String name) throws IOException {
        Path copy = tmp.resolve(name);
        TreeCopy.copy(Fixtures.app(fixture), copy);
        return copy;
    }

    private NpmBuilder fakeNpm(String body) throws IOException {
        return fakeNpm(body, Duration.ofSeconds(30));
    }

    /** An "npm" that runs {@code body} under sh, first on a PATH that still has the real tools. */
    private NpmBuilder fakeNpm(String body, Duration timeout) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path script = bin.resolve("npm");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new NpmBuilder(tmp.resolve("cache"), timeout, bin + ":/usr/bin:/bin");
    }
}
