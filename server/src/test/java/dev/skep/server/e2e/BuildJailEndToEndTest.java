package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.deploy.fs.TreeCopy;
import dev.skep.model.DataDirs;
import dev.skep.model.limits.UidProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile build leaves behind (issue 10 #2), against a real `skep server` as root: nothing after
 * the build, nothing of the app's uid after DELETE answers, nothing after a kill -9 mid-build and a restart.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BuildJailEndToEndTest {

    @TempDir
    Path dir;

    SkepServerProcess server;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(DataDirs.runningAsRoot(), "build cgroups need root; run the suite as root, as CI does");
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBuildsDaemonIsGoneAfterTheBuildAndTheAppsStrayProcessesAfterDelete() throws Exception {
        Path app = withPreinstall("(setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo $! > daemon.pid)");
        Http.Answer deployed = Http.send("POST", server.api("/v1/apps/alice/jail/releases"), server.token(),
                "application/gzip", Fixtures.tarball(app));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
        long daemon = Long.parseLong(Files.readString(slugOf("alice.jail.").resolve("daemon.pid")).trim());
        assertThat(UidProcesses.running(daemon)).as("the build's detached sleep " + daemon + " runs").isFalse();

        JsonNode instance = deployed.json().get("instances").get(0);
        int uid = uidOf(instance.get("pid").asLong());
        // what an app leaves in the background, outside its instance's cgroup
        Process stray = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                "/usr/bin/setsid", "/bin/sleep", "1000").start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> !UidProcesses.of(uid).isEmpty());

            Http.Answer deleted = Http.send("DELETE", server.api("/v1/apps/alice/jail"), server.token(), null, null);

            assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
            assertThat(UidProcesses.of(uid)).as("processes of uid " + uid + " once DELETE answered").isEmpty();
        } finally {
            stray.destroyForcibly();
        }
    }

    @Test
    void aServerKilledMidBuildLeavesNoBuildProcessNorScratchDirAfterItsRestart() throws Exception {
        Path app = withPreinstall("sleep 1000");
        byte[] tarball = Fixtures.tarball(app);
        String token = server.token();
        Thread deploy = Thread.ofVirtual().start(() -> {
            try {
                Http.send("POST", server.api("/v1/apps/alice/slow/releases"), token, "application/gzip", tarball);
            } catch (IOException | InterruptedException e) {
                // the server dies under it: expected
            }
        });
        Path uids = server.dataDir.resolve("agent/uids.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(uids) && Files.readString(uids).contains("alice/slow"));
        int uid = Http.JSON.readTree(Files.readString(uids)).get("alice/slow").asInt();
        await().atMost(Duration.ofSeconds(60)).until(() -> !UidProcesses.of(uid).isEmpty());
        assertThat(scratchDirs()).isNotEmpty();

        server.kill();
        deploy.join(Duration.ofSeconds(30));
        assertThat(UidProcesses.of(uid)).as("the build outlives a kill -9 of skep").isNotEmpty();
        server = new SkepServerProcess(server.dataDir, List.of(), Map.of(), server.apiPort, server.routerPort,
                server.firstAppPort).start();

        assertThat(UidProcesses.of(uid)).as("build processes after the restart").isEmpty();
        assertThat(scratchDirs()).as("slugs/.tmp-* after the restart").isEmpty();
    }

    private List<String> scratchDirs() throws IOException {
        try (var list = Files.list(server.dataDir.resolve("slugs"))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-")).toList();
        }
    }

    private Path slugOf(String prefix) throws IOException {
        try (var slugs = Files.list(server.dataDir.resolve("slugs"))) {
            return slugs.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    private static int uidOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no Uid in /proc/" + pid + "/status");
    }

    /** The hello app with {@code script} as its preinstall. */
    private Path withPreinstall(String script) throws IOException {
        Path app = dir.resolve("app-" + System.nanoTime());
        TreeCopy.copy(Fixtures.app("hello"), app);
        String escaped = script.replace("\\", "\\\\").replace("\"", "\\\"");
        Files.writeString(app.resolve("package.json"), "{ \"name\": \"hello\", \"version\": \"1.0.0\", \"scripts\": "
                + "{ \"start\": \"node server.js\", \"preinstall\": \"" + escaped + "\" } }");
        return app;
    }
}
