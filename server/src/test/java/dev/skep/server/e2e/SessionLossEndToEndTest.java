package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `skep server` frozen longer than its ZooKeeper session timeout (a VM pause, a laptop lid, a long GC):
 * every session expires on resume, and everything must come back by itself: the agent and its instances
 * re-registered, the app still served by the same process, nothing withdrawn by the scheduler.
 */
class SessionLossEndToEndTest {

    /** Longer than the 10 s session timeout of `skep server`. */
    private static final Duration PAUSE = Duration.ofSeconds(14);

    @TempDir
    Path dir;

    SkepServerProcess server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            signal("CONT", server.pid()); // never leave a stopped JVM behind a failed assertion
            server.close();
        }
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private JsonNode app(String app) throws Exception {
        return Http.get(server.api("/v1/apps/" + app), server.token()).json();
    }

    @Test
    void aServerFrozenPastItsSessionTimeoutKeepsItsAppServingWithTheSameProcess() throws Exception {
        // a grace of 2 s: an agent node that did not come back would have its instance withdrawn well
        // within the test's watch below
        server = new SkepServerProcess(dir.resolve("data"), List.of("--agent-grace", "2"), Map.of()).start();
        Http.Answer deployed = Http.send("POST", server.api("/deploy/alice/hello"), server.token(),
                "application/gzip", Fixtures.tarball("hello"));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
        long pid = deployed.json().get("drone").get("pid").asLong();
        String host = "hello.alice.localhost";
        assertThat(Http.hosted(server.routerPort, host, "/").status()).isEqualTo(200);

        signal("STOP", server.pid());
        Thread.sleep(PAUSE.toMillis());
        signal("CONT", server.pid());
        // from the resume on, under load through the router: nothing fails while the sessions expire and
        // come back, and nothing is withdrawn
        try (LoadLoop load = LoadLoop.start(host, server.routerPort, 2)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> server.output().contains("event=zookeeper.lost"));
            await().atMost(Duration.ofSeconds(30)).until(() -> server.output().contains("event=zookeeper.reconnected"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode view = app("alice/hello");
                assertThat(view.get("instances")).hasSize(1);
                assertThat(view.get("instances").get(0).get("state").asText()).isEqualTo("ready");
            });
            Thread.sleep(6_000); // three agent graces: a lost registration would show as a withdrawal
            LoadLoop.Result result = load.stop();
            assertThat(result.failed()).as("failed requests after the resume: %s", result.samples()).isZero();
            assertThat(result.ok()).isPositive();
        }
        JsonNode instance = app("alice/hello").get("instances").get(0);
        assertThat(instance.get("state").asText()).isEqualTo("ready");
        assertThat(instance.get("pid").asLong()).as("the same process, never restarted").isEqualTo(pid);
        assertThat(server.output()).doesNotContain("event=schedule.withdrawn");
        assertThat(Http.hosted(server.routerPort, host, "/").body()).contains("pid " + pid);
    }
}
