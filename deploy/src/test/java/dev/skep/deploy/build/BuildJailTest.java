package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.skep.deploy.SlugBuilder;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.model.AppId;
import dev.skep.model.DataDirs;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import dev.skep.model.limits.CgroupSetup;
import dev.skep.model.limits.Cgroups;
import dev.skep.model.limits.ResourceLimits;
import dev.skep.model.limits.UidProcesses;
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
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile builds against the real npm, as root with cgroups (skipped elsewhere): a preinstall that
 * backgrounds a daemon, forks past the pids limit or allocates past the memory limit; and the
 * start-up sweep of what a killed server left.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BuildJailTest {

    @TempDir
    Path tmp;

    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private Cgroups cgroups;
    private BuildUser user;

    @BeforeEach
    void rootWithCgroups() throws IOException {
        assumeThat(DataDirs.runningAsRoot()).as("cgroups need root").isTrue();
        cgroups = CgroupSetup.detect();
        assumeThat(cgroups.describe()).as("this host's cgroups").doesNotStartWith("none");
        // an unused uid above the app range, as an app's own would be
        int uid = 180_000 + ThreadLocalRandom.current().nextInt(10_000);
        user = new BuildUser(uid, uid);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aDaemonThePreinstallDetachesIsGoneWhenTheBuildEnds() throws Exception {
        Path app = app("(setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo $! > daemon.pid)");

        builder(ResourceLimits.defaults()).build(app, request(), output::add);

        long pid = Long.parseLong(Files.readString(app.resolve("daemon.pid")).trim());
        assertThat(pid).isPositive();
        assertThat(UidProcesses.running(pid)).as("the detached sleep " + pid + " runs").isFalse();
        assertThat(UidProcesses.of(user.uid())).as("processes of the build's uid").isEmpty();
    }

    @Test
    void theBuildsUidWritesItsTempFilesWhereverTheHostsTmpLetsIt() throws Exception {
        // yarn 1's `run` makes its dir in os.tmpdir(); a host /tmp the app's uid may not write (0711 on the
        // machine this was found on) failed every `yarn run build` with EACCES
        Path app = app("node -e \"const fs = require('fs'), os = require('os'); "
                + "console.log('wrote ' + fs.mkdtempSync(os.tmpdir() + '/yarn--'))\"");

        builder(ResourceLimits.defaults()).build(app, request(), output::add);

        assertThat(output).anyMatch(line -> line.startsWith("wrote " + tmp.resolve("cache")));
    }

    @Test
    void aDaemonTheReleasePhaseDetachesIsGoneWhenItEnds() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("released"));
        Files.writeString(app.resolve("migrate.sh"), "(setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo $! > daemon.pid)\n");
        user.own(app);
        Release release = new Release(AppId.parse("alice/shop"), 4, "sha", "slug",
                List.of("node", "server.js"), Map.of(), Instant.now(), "alice", "deploy", Map.of(),
                List.of("sh", "migrate.sh"));

        new ReleasePhase(Duration.ofSeconds(30), "/usr/bin:/bin")
                .confinedBy(new BuildJail(cgroups, ResourceLimits.defaults(), BuildJail.scopeOf(tmp)))
                .run(release, app, user, output::add);

        long pid = Long.parseLong(Files.readString(app.resolve("daemon.pid")).trim());
        assertThat(UidProcesses.running(pid)).as("the release phase's detached sleep " + pid + " runs").isFalse();
    }

    @Test
    void aBuildPastItsTimeLimitIsStoppedWithEverythingItDetached() throws Exception {
        Path app = app("(setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo $! > daemon.pid); sleep 1000");
        // 5 s is the case; on a loaded host npm may not reach the preinstall by then, so a limit that ran out before
        // the daemon started is tried again with a longer one (the test is about what runs when the limit hits)
        for (int limit : new int[] {5, 30}) {
            NodeBuilder builder = new NodeBuilder(tmp.resolve("cache"), Duration.ofSeconds(limit))
                    .confinedBy(new BuildJail(cgroups, ResourceLimits.defaults(), BuildJail.scopeOf(tmp)));

            assertThatThrownBy(() -> builder.build(app, request(), output::add))
                    .isInstanceOfSatisfying(SkepException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SkepException.Kind.TIMEOUT);
                        assertThat(e.getMessage()).contains("timed out: a build may take at most " + limit + "s");
                    });
            assertThat(UidProcesses.of(user.uid())).as("processes of the build's uid").isEmpty();
            if (Files.exists(app.resolve("daemon.pid"))) {
                break;
            }
        }

        long pid = Long.parseLong(Files.readString(app.resolve("daemon.pid")).trim());
        assertThat(UidProcesses.running(pid)).as("the detached sleep " + pid + " runs").isFalse();
    }

    @Test
    void aPreinstallForkingPastThePidsLimitFailsAndLeavesNothing() throws Exception {
        // 200 sleeps, well past the limit of 64: without one they would all start and the build pass
        Path app = app("for i in $(seq 1 200); do sleep 5 & done; wait");

        assertThatThrownBy(() -> builder(new ResourceLimits(512 * ResourceLimits.MIB, 64, 1024, 4096))
                .build(app, request(), output::add))
                .isInstanceOf(SkepException.class);

        assertThat(String.join("\n", output)).containsIgnoringCase("fork");
        assertThat(UidProcesses.of(user.uid())).as("processes of the build's uid").isEmpty();
    }

    @Test
    void aPreinstallAllocatingPastTheMemoryLimitIsKilledAndSaysSo() throws Exception {
        // 1 GiB outside the V8 heap, in 16 MiB steps, against a 128 MiB limit
        Path app = app("node -e \"const a = []; for (let i = 0; i < 64; i++) a.push(Buffer.alloc(16 << 20, 1)); "
                + "console.log('allocated 1 GiB')\"");

        assertThatThrownBy(() -> builder(new ResourceLimits(128 * ResourceLimits.MIB, 256, 1024, 4096))
                .build(app, request(), output::add))
                .isInstanceOf(SkepException.class)
                .hasMessageContaining("ran out of its memory limit (128 MiB)");
        assertThat(output).doesNotContain("allocated 1 GiB");
    }

    @Test
    void startUpKillsWhatAKilledServerLeftInItsBuildCgroupsAndRemovesHalfDoneDirs() throws Exception {
        Path data = tmp.resolve("data");
        BuildJail jail = new BuildJail(cgroups, ResourceLimits.defaults(), BuildJail.scopeOf(data));
        BuildJail otherServer = new BuildJail(cgroups, ResourceLimits.defaults(), BuildJail.scopeOf(tmp.resolve("other")));
        BuildJail.Cell left = jail.open("app");
        BuildJail.Cell othersBuild = otherServer.open("app");
        Process orphan = new ProcessBuilder(left.wrap(List.of("/bin/sleep", "1000"))).start();
        Process others = new ProcessBuilder(othersBuild.wrap(List.of("/bin/sleep", "1000"))).start();
        try {
            Path slugs = Files.createDirectories(data.resolve("slugs"));
            for (String dir : List.of(".tmp-123", ".tmp-release-456", ".tmp-publish-789")) {
                Files.writeString(Files.createDirectories(slugs.resolve(dir)).resolve("half"), "x");
            }
            Files.createDirectories(slugs.resolve("kept-slug"));
            awaitInCgroup(left);

            int removed = new SlugBuilder(data, new UploadLimits(1 << 20, 1 << 20, 10),
                    new NodeBuilder(tmp.resolve("cache"), Duration.ofMinutes(1)).confinedBy(jail)).cleanHalfFinished();

            assertThat(removed).isEqualTo(4);
            assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).as("the orphaned build process is killed").isTrue();
            assertThat(left.slot().orElseThrow().pids()).isEmpty();
            try (var list = Files.list(slugs)) {
                assertThat(list.map(p -> p.getFileName().toString()).toList()).containsExactly("kept-slug");
            }
            assertThat(others.isAlive()).as("another server's build is not ours to kill").isTrue();
        } finally {
            othersBuild.close();
            orphan.destroyForcibly();
        }
        assertThat(others.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void killingAnAppsProcessesLeavesNoneOfItsUid() throws Exception {
        Process stray = new ProcessBuilder(user.wrap(List.of("/usr/bin/setsid", "/bin/sleep", "1000"))).start();
        try {
            assertThat(stray.isAlive()).isTrue();
            // wait until it runs as the app's uid: killed while setpriv was still root, it would become the app later
            for (int i = 0; i < 500 && UidProcesses.of(user.uid()).isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertThat(UidProcesses.of(user.uid())).isNotEmpty();
            AppId app = new AppId("alice", "shop");
            SlugBuilder builder = new SlugBuilder(tmp.resolve("data"), new UploadLimits(1 << 20, 1 << 20, 10),
                    new NodeBuilder(tmp.resolve("cache"), Duration.ofMinutes(1)), a -> a.equals(app) ? user : null);

            assertThat(builder.killProcessesOf(app)).isTrue();

            assertThat(UidProcesses.of(user.uid())).isEmpty();
            assertThat(stray.waitFor(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            stray.destroyForcibly();
        }
    }

    private static void awaitInCgroup(BuildJail.Cell cell) throws InterruptedException {
        for (int i = 0; i < 200 && cell.slot().orElseThrow().pids().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(cell.slot().orElseThrow().pids()).isNotEmpty();
    }

    private NodeBuilder builder(ResourceLimits limits) {
        return new NodeBuilder(tmp.resolve("cache"), Duration.ofMinutes(2))
                .confinedBy(new BuildJail(cgroups, limits, BuildJail.scopeOf(tmp)));
    }

    private BuildRequest request() {
        return new BuildRequest(Map.of(), Optional.empty(), Optional.of(user));
    }

    /** An app with no dependencies whose preinstall is {@code script}, owned by the build user. */
    private Path app(String script) throws IOException {
        Path app = Files.createDirectories(tmp.resolve("app"));
        String escaped = script.replace("\\", "\\\\").replace("\"", "\\\"");
        Files.writeString(app.resolve("package.json"), "{ \"name\": \"hostile\", \"version\": \"1.0.0\", "
                + "\"scripts\": { \"preinstall\": \"" + escaped + "\" } }");
        user.own(app);
        return app;
    }
}
