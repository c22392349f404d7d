package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release phase against a real node: its output streamed, its exit judged, a hang killed at the limit. */
class ReleasePhaseTest {

    @TempDir
    Path app;

    final List<String> output = Collections.synchronizedList(new ArrayList<>());

    Release release(String... argv) {
        return new Release(AppId.parse("alice/shop"), 4, "sha", "slug", List.of("node", "server.js"),
                Map.of("DATABASE_URL", "postgres://db/shop"), Instant.now(), "alice", "deploy", Map.of(),
                List.of(argv));
    }

    ReleasePhase phase(Duration limit) {
        return new ReleasePhase(limit, System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    @Test
    void runsWithTheReleasesConfigInItsSlugAndStreamsItsOutput() throws Exception {
        write("migrate.js", "console.log('migrating', process.env.DATABASE_URL, process.env.SKEP_RELEASE, "
                + "process.env.NODE_ENV, require('fs').existsSync('migrate.js')); console.error('to stderr');");
        phase(Duration.ofSeconds(30)).run(release("node", "migrate.js"), app, null, output::add);
        assertThat(output).containsExactly("migrating postgres://db/shop 4 production true", "to stderr");
    }

    @Test
    void runsWithTheNodeItIsGivenTheOneTheReleasesInstancesRun(@TempDir Path nodeDir) throws Exception {
        // a node that says it was the one started, then runs the real one
        Path realNode = Path.of(StepRunner.find("node", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        Path node = nodeDir.resolve("node");
        Files.writeString(node, "#!/bin/sh\nSKEP_TEST_NODE=release-node exec " + realNode + " \"$@\"\n");
        node.toFile().setExecutable(true);
        write("migrate.js", "console.log('node', process.env.SKEP_TEST_NODE);");
        phase(Duration.ofSeconds(30)).run(release("node", "migrate.js"), app, null, node, output::add);
        assertThat(output).containsExactly("node release-node");
    }

    @Test
    void aReleaseOnAFetchedNodeRunsItsOwnNpmBeforeItsNode(@TempDir Path npmBin) throws Exception {
        Path realNode = Path.of(StepRunner.find("node", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        Files.writeString(npmBin.resolve("npm"), "#!/bin/sh\necho release npm\n");
        npmBin.resolve("npm").toFile().setExecutable(true);
        phase(Duration.ofSeconds(30)).run(release("npm", "run", "migrate"), app, null, realNode, npmBin, output::add);
        assertThat(output).containsExactly("release npm");
    }

    @Test
    void aNonZeroExitFailsWithItsLastLines() throws IOException {
        write("migrate.js", "console.log('step 1'); console.error('table users is locked'); process.exit(3);");
        assertThatThrownBy(() -> phase(Duration.ofSeconds(30)).run(release("node", "migrate.js"), app, null, output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).isEqualTo("the release phase 'node migrate.js' failed (exit 3)");
                    assertThat(e.detail()).contains("release 4 is marked failed", "step 1", "table users is locked")
                            .as("the deployer says which release keeps serving").doesNotContain("keeps serving");
                });
        assertThat(output).containsExactly("step 1", "table users is locked");
    }

    @Test
    void aHangIsKilledAtTheLimit() throws IOException {
        write("hang.js", "console.log('waiting forever'); setInterval(() => {}, 1000);");
        long started = System.nanoTime();
        assertThatThrownBy(() -> phase(Duration.ofSeconds(2)).run(release("node", "hang.js"), app, null, output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).contains("did not finish within 2 s and was killed");
                    assertThat(e.detail()).contains("waiting forever");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(output).containsExactly("waiting forever");
    }

    @Test
    void runsInACopyOfASealedSlugThatItMayWriteToAndLeavesTheSlugAsItWas(@TempDir Path scratch) throws Exception {
        // as an agent leaves a slug it ran (not root): read-only
        write("migrate.js", "require('fs').writeFileSync('schema.txt', 'v2'); console.log(process.cwd());");
        Files.setPosixFilePermissions(app.resolve("migrate.js"), PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            phase(Duration.ofSeconds(30)).runInCopy(release("node", "migrate.js"), app, scratch, null, null, null,
                    output::add);
            assertThat(output).singleElement().isNotEqualTo(app.toString())
                    .satisfies(cwd -> assertThat(cwd).startsWith(scratch.toRealPath().toString()));
            assertThat(app.resolve("schema.txt")).doesNotExist();
            try (var left = Files.list(scratch)) {
                assertThat(left).as("the copy is gone").isEmpty();
            }
        } finally {
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A yarn Plug'n'Play slug: the release phase gets yarn's hook, as its instances do, after the app's options. */
    @Test
    void aPnpSlugsReleasePhaseRunsWithYarnsHook() throws Exception {
        write(".pnp.cjs", "globalThis.pnpFrom = __dirname;");
        write("migrate.js", "console.log(globalThis.pnpFrom, process.env.NODE_OPTIONS);");
        Release release = new Release(AppId.parse("alice/shop"), 4, "sha", "slug", List.of("node", "server.js"),
                Map.of("NODE_OPTIONS", "--max-old-space-size=200"), Instant.now(), "alice", "deploy", Map.of(),
                List.of("node", "migrate.js"));
        phase(Duration.ofSeconds(30)).run(release, app, null, output::add);
        assertThat(output).containsExactly(app + " --require " + app.resolve(".pnp.cjs") + " --max-old-space-size=200");
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(app.resolve(name), text);
    }
}
