package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.DataDirs;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 or a restart of skep: apps keep serving, are re-adopted, or restarted if they died meanwhile. */
class SurviveRestartTest {

    @TempDir
    Path dir;

    SkepServerProcess server;
    /** An app process left running by a --keep-apps server, killed after the test whatever its outcome. */
    long keptPid;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (keptPid > 0) {
            ProcessHandle.of(keptPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private SkepServerProcess restart() throws Exception {
        return restart(List.of());
    }

    private SkepServerProcess restart(List<String> args) throws Exception {
        SkepServerProcess next = new SkepServerProcess(server.dataDir, args, Map.of(), server.apiPort,
                server.routerPort, server.firstAppPort);
        server = next.start();
        return server;
    }

    private JsonNode instance(String app) throws Exception {
        JsonNode view = Http.get(server.api("/v1/apps/" + app), server.token()).json();
        return view.get("instances").get(0);
    }

    @Test
    void appsKeepServingThroughAKillAndAreReadoptedWithTheSamePid() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        Http.Answer deployed = Http.send("POST", server.api("/deploy/alice/hello"), server.token(),
                "application/gzip", Fixtures.tarball("hello"));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
        int port = deployed.json().get("drone").get("port").asInt();
        long pid = deployed.json().get("drone").get("pid").asLong();

        server.kill();
        assertThat(Http.plain("http://127.0.0.1:" + port + "/").body()).contains("pid " + pid);

        restart();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode i = instance("alice/hello");
            assertThat(i.get("state").asText()).isEqualTo("ready");
            assertThat(i.get("pid").asLong()).isEqualTo(pid);
        });
        assertThat(Http.plain("http://127.0.0.1:" + port + "/").body()).contains("pid " + pid);
    }

    /**
     * A plain stop and start with --keep-apps (an upgrade): while the JVM is down connections are refused, but every
     * request the router takes is answered by the app: the router listens before the state is open and holds
     * requests until its table, and then until the app is re-adopted (before: 503s and 404s for about a second).
     */
    @Test
    void aRestartWithKeepAppsAnswersEveryRequestItTakesFromTheApp() throws Exception {
        List<String> keep = List.of("--keep-apps");
        server = new SkepServerProcess(dir.resolve("data"), keep, Map.of()).start();
        Http.Answer deployed = Http.send("POST", server.api("/deploy/alice/hello"), server.token(),
                "application/gzip", Fixtures.tarball("hello"));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
        long pid = deployed.json().get("drone").get("pid").asLong();
        keptPid = pid;
        LoadLoop.Result result;
        try (LoadLoop load = LoadLoop.paced("hello.alice.localhost", server.routerPort, 2, Duration.ofMillis(10))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.okSoFar() > 10);
            assertThat(server.stop()).isZero();
            restart(keep);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode i = instance("alice/hello");
                assertThat(i.get("state").asText()).isEqualTo("ready");
                assertThat(i.get("pid").asLong()).as("re-adopted, not restarted").isEqualTo(pid);
            });
            long before = load.okSoFar();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.okSoFar() > before + 20);
            result = load.stop();
        }
        // --keep-apps leaves it running when the test's server stops: stopped here, not left behind
        assertThat(Http.send("POST", server.api("/v1/apps/alice/hello/stop"), server.token(), null, null).status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(result.non2xx()).as("answers other than the app's 200: %s", result.samples()).isZero();
        assertThat(result.ok()).isPositive();
    }

    @Test
    void aReadoptedAppIsStillHeldToItsOwnPort() throws Exception {
        Assumptions.assumeTrue(DataDirs.runningAsRoot(),
                "the bind guard needs root; run the suite as root, as CI does");
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        Assumptions.assumeTrue(server.output().contains("event=bindguard.on"),
                "the bind guard is off on this host");
        Http.Answer deployed = Http.send("POST", server.api("/v1/apps/alice/prober/releases"), server.token(),
                "application/gzip", Fixtures.tarball("tries-ports"));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
        int port = deployed.json().get("instances").get(0).get("port").asInt();
        long pid = deployed.json().get("instances").get(0).get("pid").asLong();
        String tryRouter = "http://127.0.0.1:" + port + "/bind?host=::1&port=" + server.routerPort;

        server.kill();
        // skep is down: its ports are free, and still the app may not take them
        assertThat(Http.plain(tryRouter).body()).isEqualTo("EPERM");

        restart();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode i = instance("alice/prober");
            assertThat(i.get("state").asText()).isEqualTo("ready");
            assertThat(i.get("pid").asLong()).isEqualTo(pid);
        });
        assertThat(Http.plain(tryRouter).body()).isEqualTo("EPERM");
        assertThat(Http.plain("http://127.0.0.1:" + port + "/bind?host=::1&port=" + port).body()).isEqualTo("ok");
    }

    @Test
    void anAppThatDiedWhileSkepWasDownIsStartedAgain() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        Http.Answer deployed = Http.send("POST", server.api("/deploy/alice/hello"), server.token(),
                "application/gzip", Fixtures.tarball("hello"));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
        long pid = deployed.json().get("drone").get("pid").asLong();

        server.kill();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));

        restart();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode i = instance("alice/hello");
            assertThat(i.get("state").asText()).isEqualTo("ready");
            assertThat(i.get("pid").asLong()).isNotEqualTo(pid);
            assertThat(Http.plain("http://127.0.0.1:" + i.get("port").asInt() + "/").status()).isEqualTo(200);
        });
    }

    @Test
    void aDeployInterruptedByAKillLeavesThePreviousReleaseServing() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        Http.Answer first = Http.send("POST", server.api("/v1/apps/alice/web/releases"), server.token(),
                "application/gzip", Fixtures.tarball("hello"));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        int port = first.json().get("instances").get(0).get("port").asInt();

        Thread deploy = Thread.ofVirtual().start(() -> {
            try {
                Http.send("POST", server.api("/v1/apps/alice/web/releases"), server.token(), "application/gzip",
                        Fixtures.tarball("slow-start"));
            } catch (Exception expected) {
                // the server dies under this request
            }
        });
        // slow-start takes 3 s to listen: kill while release 2 is starting beside release 1
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
                Http.get(server.api("/v1/apps/alice/web"), server.token()).json().get("instances")
                        .findValues("release").stream().anyMatch(r -> r.asInt() == 2));
        server.kill();
        deploy.join();
        assertThat(Http.plain("http://127.0.0.1:" + port + "/").body()).startsWith("hello from alice.web.1.");

        restart();
        // The interrupted release 2 is not used: no client ever saw it succeed, and 1 serves.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode app = Http.get(server.api("/v1/apps/alice/web"), server.token()).json();
            assertThat(app.get("release").asInt()).isEqualTo(1);
            assertThat(app.get("state").asText()).isEqualTo("running");
        });
        assertThat(Http.plain("http://127.0.0.1:" + port + "/").body()).startsWith("hello from alice.web.1.");
    }
}
