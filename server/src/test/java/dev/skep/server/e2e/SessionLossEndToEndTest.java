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
 * re-registered, the app still served by the same process, nothing withdrawn by the scheduler. The server runs a
 * 4 s session (--zk-session-timeout, 10 s by default): what is checked is relative to it.
 */
class SessionLossEndToEndTest {

    /** The server's ZooKeeper session (it logs that it was granted). */
    private static final Duration SESSION = Duration.ofSeconds(4);
    /** Past the session by a whole session: every session ends. */
    private static final Duration PAUSE = SESSION.multipliedBy(2);
    private static final Duration GRACE = Duration.ofSeconds(2);

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
        server = new SkepServerProcess(dir.resolve("data"), List.of("--agent-grace", String.valueOf(GRACE.toSeconds()),
                "--zk-session-timeout", String.valueOf(SESSION.toSeconds())), Map.of()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.output().contains("timeout_ms=" + SESSION.toMillis()));
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
            long reconnected = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode view = app("alice/hello");
                assertThat(view.get("instances")).hasSize(1);
                assertThat(view.get("instances").get(0).get("state").asText()).isEqualTo("ready");
            });
            // the leader trusts what it sees a session and a second after its reconnect; then three agent graces: a
            // lost registration would show as a withdrawal by then
            long left = SESSION.plusSeconds(1).plus(GRACE.multipliedBy(3)).minusNanos(System.nanoTime() - reconnected)
                    .toMillis();
            if (left > 0) {
                Thread.sleep(left);
            }
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
