package dev.skep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildLogsTest {

    private static final AppId SHOP = AppId.parse("alice/shop");

    @TempDir
    Path root;

    private BuildLogs logs() {
        return new BuildLogs(root, Clock.systemUTC());
    }

    @Test
    void aReleasesDeployOutputIsKeptUnderItsNumberWithItsBuildFacts() throws Exception {
        BuildLogs logs = logs();
        Path slug = Files.createDirectories(root.resolve("slug"));
        Files.writeString(slug.resolve("server.js"), "x".repeat(1000));
        List<String> passedOn = new ArrayList<>();
        try (BuildLogs.Recording rec = logs.start(SHOP)) {
            DeployListener listener = rec.tee((stage, message) -> passedOn.add(stage + " " + message));
            listener.stage(DeployListener.BUILD, "added 12 packages");
            rec.released(3, 1500, 2048, slug);
            listener.stage("starting", "release 3");
        }
        assertThat(passedOn).containsExactly("build added 12 packages", "starting release 3");
        assertThat(Files.readString(logs.of(SHOP, 3).orElseThrow()))
                .contains("build added 12 packages").contains("starting release 3");
        assertThat(logs.latest(SHOP)).isEqualTo(logs.of(SHOP, 3));
        BuildLogs.BuildFacts facts = logs.facts(SHOP).get(3);
        assertThat(facts.buildMillis()).isEqualTo(1500);
        assertThat(facts.uploadBytes()).isEqualTo(2048);
        // the slug is measured in the background
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (logs.facts(SHOP).get(3).slugBytes() < 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(logs.facts(SHOP).get(3).slugBytes()).isEqualTo(1000);
    }

    @Test
    void aDeployThatMadeNoReleaseKeepsItsOutputAsTheNewestFailedLog() throws Exception {
        BuildLogs logs = logs();
        try (BuildLogs.Recording rec = logs.start(SHOP)) {
            rec.released(1, 10, 10, null);
        }
        Thread.sleep(20); // distinct modification times
        try (BuildLogs.Recording rec = logs.start(SHOP)) {
            rec.tee(DeployListener.none()).stage(DeployListener.BUILD, "npm ERR! missing script: build");
            rec.write("error", "build failed");
        }
        Path latest = logs.latest(SHOP).orElseThrow();
        assertThat(latest.getFileName().toString()).startsWith("failed-");
        assertThat(Files.readString(latest)).contains("npm ERR! missing script: build").contains("error build failed");
        assertThat(logs.of(SHOP, 2)).isEmpty();
        assertThat(logs.facts(SHOP)).containsOnlyKeys(1);
    }

    @Test
    void buildOutputAboveTheCapIsDroppedButTheDeploysStagesAreKept() throws Exception {
        BuildLogs logs = logs();
        String line = "y".repeat(1023);
        try (BuildLogs.Recording rec = logs.start(SHOP)) {
            DeployListener listener = rec.tee(DeployListener.none());
            for (int i = 0; i < 5 * 1024; i++) { // 5 MB of build output
                listener.stage(DeployListener.BUILD, line);
            }
            rec.released(1, 1, 1, null);
            listener.stage("starting", "release 1");
        }
        String text = Files.readString(logs.of(SHOP, 1).orElseThrow());
        assertThat((long) text.length()).isLessThan(BuildLogs.CAP_BYTES + 64 * 1024);
        assertThat(text).contains("starting release 1").contains("bytes of build output dropped above the 4 MB");
    }

    @Test
    void pruneKeepsTheKeptReleasesAndTheNewestFailedDeploys() throws Exception {
        BuildLogs logs = logs();
        for (int n = 1; n <= 3; n++) {
            try (BuildLogs.Recording rec = logs.start(SHOP)) {
                rec.released(n, 1, 1, null);
            }
        }
        for (int i = 0; i < BuildLogs.FAILED_KEPT + 2; i++) {
            try (BuildLogs.Recording rec = logs.start(SHOP)) {
                rec.write("error", "failed " + i);
            }
            Thread.sleep(5);
        }
        logs.prune(SHOP, Set.of(3));
        assertThat(logs.of(SHOP, 1)).isEmpty();
        assertThat(logs.of(SHOP, 3)).isPresent();
        assertThat(logs.facts(SHOP)).containsOnlyKeys(3);
        try (var files = Files.list(root.resolve("alice.shop"))) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("failed-"))).hasSize(BuildLogs.FAILED_KEPT);
        }
        assertThat(Files.readString(logs.latest(SHOP).orElseThrow())).contains("failed " + (BuildLogs.FAILED_KEPT + 1));
    }
}
