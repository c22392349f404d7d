package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploy, restart, scale-down, rollback and a crash, each under load through the router (16
 * keep-alive connections on loopback): not one request may fail. The load is POSTs the app answers
 * after 20 ms, which the router may not replay elsewhere, to an app that dies at once on SIGTERM:
 * only a drain (out of the table, in-flight requests done, then SIGTERM) keeps them whole. The
 * crash is a GET load: a SIGKILL loses what was in flight, and only a retry saves those.
 */
class ZeroDowntimeTest {

    static final int CONNECTIONS = 16;

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of("--drain-timeout", System.getProperty("skep.test.drain", "10")), Map.of()).start();
        token = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void aRedeployUnderLoadLosesNoRequest() throws Exception {
        String app = "zd/redeploy";
        deployed(app, 2);
        LoadLoop.Result result = underLoad(app, () -> {
            assertThat(deploy(app, "slow-answer").status()).isEqualTo(201);
            settled(app, 2, 2);
        });
        assertThat(result.failed()).as("%s", result).isZero();
    }

    @Test
    void aRollingRestartUnderLoadLosesNoRequest() throws Exception {
        String app = "zd/restart";
        deployed(app, 2);
        List<String> before = instanceIds(app);
        LoadLoop.Result result = underLoad(app, () -> {
            assertThat(Http.send("POST", server.api("/v1/apps/" + app + "/restart"), token, null, null).status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                List<String> now = readyIds(app);
                return now.size() == 2 && instanceIds(app).size() == 2 && now.stream().noneMatch(before::contains);
            });
        });
        assertThat(result.failed()).as("%s", result).isZero();
    }

    @Test
    void aScaleDownFromThreeToOneUnderLoadLosesNoRequest() throws Exception {
        String app = "zd/scale";
        deployed(app, 3);
        LoadLoop.Result result = underLoad(app, () -> {
            assertThat(Http.send("PATCH", server.api("/v1/apps/" + app), token, "application/json",
                    "{\"instances\": 1}".getBytes()).status()).isEqualTo(200);
            settled(app, 1, 1);
        });
        assertThat(result.failed()).as("%s", result).isZero();
    }

    @Test
    void aRollbackUnderLoadLosesNoRequest() throws Exception {
        String app = "zd/rollback";
        deployed(app, 2);
        assertThat(deploy(app, "slow-answer").status()).isEqualTo(201);
        settled(app, 2, 2);
        LoadLoop.Result result = underLoad(app, () -> {
            Http.Answer answer = Http.send("POST", server.api("/v1/apps/" + app + "/rollback"), token,
                    "application/json", "{}".getBytes());
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            settled(app, 1, 2);
        });
        assertThat(result.failed()).as("%s", result).isZero();
    }

    @Test
    void aCrashOfOneOfThreeInstancesUnderLoadLosesNoRequest() throws Exception {
        String app = "zd/crash";
        deployed(app, 3);
        LoadLoop.Result result = underGetLoad(app, () -> {
            JsonNode victim = instances(app).get(0);
            ProcessHandle.of(victim.get("pid").asLong()).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(30)).until(() -> readyIds(app).size() == 3
                    && instances(app).findValues("restarts").stream().anyMatch(r -> r.asInt() > 0));
        });
        assertThat(result.failed()).as("%s", result).isZero();
    }

    @Test
    void aReleaseThatNeverGetsReadyLeavesTheOldOneServingWithoutAFailure() throws Exception {
        String app = "zd/broken";
        deployed(app, 2);
        List<String> before = readyIds(app);
        LoadLoop.Result result = underLoad(app, () -> {
            Http.Answer bad = deploy(app, "crash-at-start");
            assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        });
        assertThat(result.failed()).as("%s", result).isZero();
        assertThat(readyIds(app)).containsExactlyInAnyOrderElementsOf(before);
    }

    // --- helpers ---

    interface Step {
        void run() throws Exception;
    }

    /** Runs the step while 16 clients POST to the app; load before and after. */
    static LoadLoop.Result underLoad(String app, Step step) throws Exception {
        String[] parts = app.split("/");
        return underLoad(LoadLoop.startPosts(parts[1] + "." + parts[0] + ".localhost", server.routerPort, CONNECTIONS,
                "/work?ms=20"), step);
    }

    static LoadLoop.Result underGetLoad(String app, Step step) throws Exception {
        String[] parts = app.split("/");
        return underLoad(LoadLoop.start(parts[1] + "." + parts[0] + ".localhost", server.routerPort, CONNECTIONS), step);
    }

    static LoadLoop.Result underLoad(LoadLoop load, Step step) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.okSoFar() > 100);
            step.run();
            long seen = load.okSoFar();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.okSoFar() > seen + 200);
        } finally {
            load.stop();
        }
        LoadLoop.Result result = load.stop();
        assertThat(result.ok()).as("requests answered").isGreaterThan(300);
        return result;
    }

    static void deployed(String app, int instances) throws Exception {
        Http.Answer first = deploy(app, "slow-answer");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        if (instances != 1) {
            assertThat(Http.send("PATCH", server.api("/v1/apps/" + app), token, "application/json",
                    ("{\"instances\": " + instances + "}").getBytes()).status()).isEqualTo(200);
        }
        settled(app, first.json().get("release").asInt(), instances);
    }

    static Http.Answer deploy(String app, String fixture) throws Exception {
        return Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token, "application/gzip",
                Fixtures.tarball(fixture));
    }

    /** Exactly {@code n} instances, all of the release, all ready: nothing old left draining. */
    static void settled(String app, int release, int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode all = instances(app);
            if (all.size() != n) {
                return false;
            }
            for (JsonNode i : all) {
                if (i.get("release").asInt() != release || !"ready".equals(i.get("state").asText())) {
                    return false;
                }
            }
            return true;
        });
    }

    static JsonNode instances(String app) throws Exception {
        return Http.get(server.api("/v1/apps/" + app), token).json().get("instances");
    }

    static List<String> instanceIds(String app) throws Exception {
        List<String> ids = new ArrayList<>();
        instances(app).forEach(i -> ids.add(i.get("instance").asText()));
        return ids;
    }

    static List<String> readyIds(String app) throws Exception {
        List<String> ids = new ArrayList<>();
        instances(app).forEach(i -> {
            if ("ready".equals(i.get("state").asText())) {
                ids.add(i.get("instance").asText());
            }
        });
        return ids;
    }
}
