package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.server.e2e.IdleStopEndToEndTest.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, bad input: apps that never become ready on wake, one whose every start exits and one whose every start
 * hangs without listening (each start lasts the whole start timeout, far past the minimum uptime). The held requests
 * of both get a 504 after the bound, another app serves meanwhile, and both go to crash-loop.
 *
 * <p>Apart from {@link IdleStopEndToEndTest}, on a server of its own: the hanging app's way to crash-loop is five
 * start timeouts in a row, so this server's start timeout is short (8 s, still many times a hello app's start on a
 * loaded host), where the other class keeps 15 s for its bursts and herds of held requests.
 */
class IdleWakeFailureEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;
    static final int START_TIMEOUT_S = 8;

    @BeforeAll
    static void start() throws Exception {
        // no auto-rollback: the app that breaks must stay broken
        server = new SkepServerProcess(dir.resolve("data"), List.of("--drain-timeout", "1", "--auto-rollback", "0",
                "--start-timeout", String.valueOf(START_TIMEOUT_S)), Map.of()).start();
        token = server.token();
        for (String app : List.of("carol/broken", "hank/hangs")) {
            IdleStopEndToEndTest.deploy(server, app, "breaks-later");
        }
        IdleStopEndToEndTest.deploy(server, "bob/awake", "hello");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    static Reply get(String app) throws Exception {
        return IdleStopEndToEndTest.get(server.routerPort, app);
    }

    static JsonNode app(String app) throws Exception {
        return IdleStopEndToEndTest.app(server, app);
    }

    static void awaitState(String app, String wanted, Duration within) {
        IdleStopEndToEndTest.awaitState(server, app, wanted, within);
    }

    @Test
    void appsThatCannotStartOnWakeGetA504AfterTheBoundAndCrashLoopWhileOthersServe() throws Exception {
        long breakAt = System.currentTimeMillis() + 25_000;
        for (String app : List.of("carol/broken", "hank/hangs")) {
            String how = app.equals("hank/hangs") ? ", \"BREAK_HOW\": \"hang\"" : "";
            Http.Answer env = Http.send("PATCH", server.api("/v1/apps/" + app + "/env"), token, "application/json",
                    ("{\"set\": {\"BREAK_AT\": \"" + breakAt + "\"" + how + "}}").getBytes(StandardCharsets.UTF_8));
            assertThat(env.status()).as(env.body()).isEqualTo(200);
            Http.Answer idle = Http.send("PATCH", server.api("/v1/apps/" + app), token, "application/json",
                    "{\"idleStop\": 2}".getBytes(StandardCharsets.UTF_8));
            assertThat(idle.status()).as(idle.body()).isEqualTo(200);
        }
        awaitState("carol/broken", "sleeping", Duration.ofSeconds(20));
        awaitState("hank/hangs", "sleeping", Duration.ofSeconds(20));
        System.out.println("wake-failure e2e: both asleep " + (breakAt - System.currentTimeMillis())
                + " ms before their break time");
        assertThat(System.currentTimeMillis()).as("asleep before their break time").isLessThan(breakAt);
        Thread.sleep(Math.max(0, breakAt - System.currentTimeMillis() + 500)); // from now on every start fails

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Reply>> held = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String app = i % 2 == 0 ? "carol/broken" : "hank/hangs";
                held.add(pool.submit(() -> get(app)));
            }
            // meanwhile another app serves as ever
            for (int i = 0; i < 10; i++) {
                Reply other = get("bob/awake");
                assertThat(other.status()).isEqualTo(200);
                assertThat(other.millis()).isLessThan(2000);
                Thread.sleep(500);
            }
            for (Future<Reply> f : held) {
                Reply r = f.get();
                assertThat(r.status()).as(r.body()).isEqualTo(504);
                assertThat(r.body()).contains("did not become ready in time after waking");
                assertThat(r.millis()).as("held for the start timeout").isBetween(START_TIMEOUT_S * 1000L - 1000,
                        START_TIMEOUT_S * 1000L + 10_000);
            }
        }
        awaitState("carol/broken", "crash-loop", Duration.ofSeconds(60));
        // five starts in a row that timed out: about 5 x the start timeout after the wake
        awaitState("hank/hangs", "crash-loop", Duration.ofSeconds(6L * START_TIMEOUT_S + 30));
        JsonNode hung = app("hank/hangs").get("instances").get(0);
        assertThat(hung.get("lastExit").asText()).startsWith("not ready within " + START_TIMEOUT_S + " s");
        assertThat(get("bob/awake").status()).isEqualTo(200);
    }
}
