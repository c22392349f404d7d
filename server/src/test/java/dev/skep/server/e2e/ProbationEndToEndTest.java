package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release is released only when it serves: ready (its own socket, an HTTP answer), then through a probation
 * window (2 s here) with the old release kept warm. The "dies-soon" app serves for half a second, then exits.
 */
class ProbationEndToEndTest {

    static final int WINDOW_SECONDS = 2;

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of("--probation", Integer.toString(WINDOW_SECONDS)),
                Map.of()).start();
        token = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void aFirstDeployThatDiesInProbationFailsWithTheReasonAndNothingIsLive() throws Exception {
        Http.Answer answer = deploy("pb/first", "dies-soon");
        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        assertThat(answer.json().get("error").asText())
                .isEqualTo("release 1 of pb/first failed in probation: instance " + failedInstance(answer)
                        + " exited (code 1)");
        assertThat(answer.json().get("detail").asText()).contains("nothing was running before")
                .contains("lost the database connection, giving up");
        JsonNode app = Http.get(server.api("/v1/apps/pb/first"), token).json();
        assertThat(app.get("release").asInt()).as("no release is live").isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(server.api("/v1/apps/pb/first"), token).json()
                .get("instances").isEmpty());
        assertThat(Http.hosted(server.routerPort, "first.pb.localhost", "/").status()).isEqualTo(503);

        // the CLI says the same and exits non-zero; the failed number is not handed out again
        CliRun cli = skep("deploy", Fixtures.appCopy("dies-soon", dir).toString(), "--app", "pb/first");
        assertThat(cli.exit()).as(cli.out()).isEqualTo(1);
        assertThat(cli.out()).contains("serving, in probation for " + WINDOW_SECONDS + " s");
        assertThat(cli.err()).contains("release 2 of pb/first failed in probation").contains("exited (code 1)");
    }

    @Test
    void aRedeployThatDiesInProbationUnderGetLoadLeavesTheOldReleaseServingAndLosesNoRequest() throws Exception {
        String app = "pb/redeploy";
        Http.Answer first = deploy(app, "hello");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        LoadLoop load = LoadLoop.start("redeploy.pb.localhost", server.routerPort, 8);
        Http.Answer bad;
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.okSoFar() > 100);
            bad = deploy(app, "dies-soon");
            long seen = load.okSoFar();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.okSoFar() > seen + 200);
        } finally {
            load.stop();
        }
        LoadLoop.Result result = load.stop();
        assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        assertThat(bad.json().get("error").asText()).startsWith("release 2 of pb/redeploy failed in probation: ")
                .endsWith("exited (code 1)");
        assertThat(bad.json().get("detail").asText()).contains("traffic went back to release 1")
                .contains("lost the database connection, giving up");
        assertThat(result.failed()).as("%s", result).isZero();
        assertThat(result.ok()).isGreaterThan(300);
        assertThat(Http.hosted(server.routerPort, "redeploy.pb.localhost", "/").body())
                .startsWith("hello from pb.redeploy.1.");

        Http.Answer next = deploy(app, "hello");
        assertThat(next.status()).as(next.body()).isEqualTo(201);
        assertThat(next.json().get("release").asInt()).as("the failed number 2 is not reused").isEqualTo(3);
        List<Integer> kept = new ArrayList<>();
        Http.get(server.api("/v1/apps/" + app), token).json().get("releases").forEach(r -> kept.add(r.get("number").asInt()));
        assertThat(kept).contains(2);
    }

    @Test
    void aHealthyRedeployServesAtOnceAndIsReleasedAfterTheWindow() throws Exception {
        String app = "pb/healthy";
        assertThat(deploy(app, "hello").status()).isEqualTo(201);
        AtomicLong firstNewOk = new AtomicLong();
        Thread poller = Thread.ofPlatform().daemon().start(() -> {
            while (firstNewOk.get() == 0 && !Thread.currentThread().isInterrupted()) {
                try {
                    Http.Answer r = Http.hosted(server.routerPort, "healthy.pb.localhost", "/");
                    if (r.status() == 200 && r.body().startsWith("hello from pb.healthy.2.")) {
                        firstNewOk.set(System.nanoTime());
                    }
                } catch (Exception e) {
                    // the app is briefly between releases: poll on
                }
            }
        });
        long started = System.nanoTime();
        List<String> lines = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(server.api("/v1/apps/" + app + "/releases")).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/gzip")
                .header("Accept", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.tarball("hello"))).build(),
                HttpResponse.BodyHandlers.ofLines());
        stream.body().forEach(line -> {
            lines.add(line);
            at.add(System.nanoTime());
        });
        poller.join(Duration.ofSeconds(5));
        poller.interrupt();

        int serving = indexOfStage(lines, "serving");
        int done = indexOfStage(lines, "done");
        assertThat(serving).as("%s", lines).isNotNegative();
        assertThat(done).as("%s", lines).isGreaterThan(serving);
        assertThat(Http.JSON.readTree(lines.get(serving)).get("message").asText())
                .isEqualTo("in probation for " + WINDOW_SECONDS + " s");
        assertThat(Http.JSON.readTree(lines.get(done)).get("message").asText()).isEqualTo("release 2 released");
        long servingToDoneMs = (at.get(done) - at.get(serving)) / 1_000_000;
        assertThat(servingToDoneMs).as("released only after the window").isGreaterThanOrEqualTo(WINDOW_SECONDS * 1000 - 100);
        assertThat(firstNewOk.get()).as("the new release answered").isPositive();
        assertThat(firstNewOk.get()).as("its first 200 came before the window ended (%d ms after the upload)",
                (firstNewOk.get() - started) / 1_000_000).isLessThan(at.get(done) - WINDOW_SECONDS * 1_000_000_000L / 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode instances = Http.get(server.api("/v1/apps/" + app), token).json().get("instances");
            return instances.size() == 1 && instances.get(0).get("release").asInt() == 2;
        });
    }

    @Test
    void theHaibuRouteAnswersOnceTheReleaseServesWhileItsProbationGoesOn() throws Exception {
        String app = "pb/haibu";
        Http.Answer first = Http.send("POST", server.api("/deploy/" + app), token, "application/gzip",
                Fixtures.tarball("hello"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(Http.send("PATCH", server.api("/v1/apps/" + app), token, "application/json",
                "{\"probation\": 8}".getBytes()).status()).isEqualTo(200);

        long started = System.nanoTime();
        Http.Answer second = Http.sendFresh("POST", server.api("/deploy/" + app), token, "application/gzip",
                Fixtures.tarball("hello"));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().get("drone").get("release").asInt()).isEqualTo(2);
        assertThat(tookMs).as("answered before the 8 s window ended").isLessThan(6000);
        assertThat(Http.hosted(server.routerPort, "haibu.pb.localhost", "/").body()).startsWith("hello from pb.haibu.2.");
        assertThat(Http.get(server.api("/v1/apps/" + app), token).json().get("instances").size())
                .as("the old instance is kept warm during the window").isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode instances = Http.get(server.api("/v1/apps/" + app), token).json().get("instances");
            return instances.size() == 1 && instances.get(0).get("release").asInt() == 2;
        });
    }

    @Test
    void aReleaseThatCrashLoopsAfterItsProbationIsRolledBackByItselfWithAnEventAndAnAlert() throws Exception {
        String app = "pb/later";
        Http.Answer first = deploy(app, "breaks-later");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        // release 2: the same code, told to break 8 s from now (past its 2 s window) and to die at once from then on
        long breakAt = System.currentTimeMillis() + 8000;
        Http.Answer env = Http.send("PATCH", server.api("/v1/apps/" + app + "/env"), token, "application/json",
                ("{\"set\": {\"BREAK_AT\": \"" + breakAt + "\"}}").getBytes());
        assertThat(env.status()).as("release 2 passes its probation: %s", env.body()).isEqualTo(200);
        assertThat(System.currentTimeMillis()).as("the test's premise: released before it breaks").isLessThan(breakAt);
        assertThat(Http.hosted(server.routerPort, "later.pb.localhost", "/").body()).isEqualTo("breaks-later breaking\n");

        await().atMost(Duration.ofSeconds(40)).until(() ->
                Http.get(server.api("/v1/apps/" + app), token).json().get("release").asInt() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "breaks-later steady\n".equals(Http.hosted(server.routerPort, "later.pb.localhost", "/").body()));
        JsonNode releases = Http.get(server.api("/v1/apps/" + app + "/releases"), token).json();
        JsonNode second = releases.get(0);
        assertThat(second.get("number").asInt()).isEqualTo(2);
        assertThat(second.get("status").asText()).isEqualTo("failed");
        assertThat(second.get("failed").asText()).startsWith("crash-looped after going live: instance ")
                .contains("after release 2 went live");
        // evented once release 1 is through its own probation again
        await().atMost(Duration.ofSeconds(15)).until(() -> Http.get(server.api("/v1/events?app=" + app
                + "&type=release.rolled-back"), token).json().size() > 0);
        JsonNode rolledBack = Http.get(server.api("/v1/events?app=" + app + "&type=release.rolled-back"), token).json();
        assertThat(rolledBack).hasSize(1);
        assertThat(rolledBack.get(0).get("message").asText()).startsWith("release 2 crash-looped, release 1 is live again");
        // the default rule alerts on it (no receivers are set here: the alert is an event of its own)
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(server.api("/v1/events?app=" + app
                + "&type=alert."), token).json().toString().contains("rolled-back"));
    }

    // --- helpers ---

    static CliRun skep(String... args) {
        return CliRun.against(server, dir, args);
    }

    static Http.Answer deploy(String app, String fixture) throws Exception {
        return Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token, "application/gzip",
                Fixtures.tarball(fixture));
    }

    /** The instance the error names: "... instance pb.first.1.abc exited ...". */
    static String failedInstance(Http.Answer answer) throws Exception {
        String error = answer.json().get("error").asText();
        int from = error.indexOf("instance ") + "instance ".length();
        return error.substring(from, error.indexOf(' ', from));
    }

    static int indexOfStage(List<String> lines, String stage) throws Exception {
        for (int i = 0; i < lines.size(); i++) {
            if (stage.equals(Http.JSON.readTree(lines.get(i)).get("stage").asText())) {
                return i;
            }
        }
        return -1;
    }
}
