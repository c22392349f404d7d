package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Procfile process types and the release phase against a real server: a web, a worker (a heartbeat line a
 * second) and a release phase (fixtures/apps/procfile-worker); a release phase that exits 1; a worker-only app;
 * a worker that dies inside the probation window (2 s here).
 */
class ProcessTypesEndToEndTest {

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
    void aWebAndAWorkerRunAfterTheReleasePhaseAndScaleOnTheirOwn() throws Exception {
        CliRun deploy = skep("deploy", Fixtures.appCopy("procfile-worker", dir).toString(), "--app", "pt/shop");
        assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isZero();
        // the release phase's output is the deploy's, and it ran before any instance was started
        Matcher ran = Pattern.compile("release phase ran for release 1 at (\\d+) GREETING=\n").matcher(deploy.out());
        assertThat(ran.find()).as(deploy.out()).isTrue();
        long releasePhaseAt = Long.parseLong(ran.group(1));
        assertThat(deploy.out().indexOf("-----> release phase")).isPositive()
                .isLessThan(deploy.out().indexOf("-----> starting"));

        JsonNode web = Http.JSON.readTree(Http.hosted(server.routerPort, "shop.pt.localhost", "/").body());
        assertThat(web.get("started").asLong()).as("the web process started after the release phase ran")
                .isGreaterThan(releasePhaseAt);
        for (int i = 0; i < 6; i++) { // the worker has no route: every answer is the web's
            Http.Answer a = Http.hosted(server.routerPort, "shop.pt.localhost", "/");
            assertThat(a.status()).isEqualTo(200);
            assertThat(Http.JSON.readTree(a.body()).get("web").asText()).contains(".web.1.");
        }

        CliRun ps = skep("ps", "pt/shop");
        assertThat(ps.out()).contains("formation: web=1 worker=1");
        assertThat(ps.out()).containsPattern("\nweb\\.1 +pt\\.shop\\.1\\.web\\.1\\.[0-9a-f]{6} +v1 +ready");
        assertThat(ps.out()).containsPattern("\nworker\\.1 +pt\\.shop\\.1\\.worker\\.1\\.[0-9a-f]{6} +v1 +ready");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(skep("logs", "-n", "50", "pt/shop").out())
                .containsPattern("pt\\.shop\\.1\\.worker\\.1\\.[0-9a-f]{6} stdout worker heartbeat \\d+"));

        // scale per type: no release phase, no new release
        CliRun scale = skep("scale", "pt/shop", "web=2", "worker=0");
        assertThat(scale.exit()).as(scale.err()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<String> processes = processes("pt/shop");
            return processes.equals(List.of("web.1 ready", "web.2 ready"));
        });
        JsonNode app = Http.get(server.api("/v1/apps/pt/shop"), token).json();
        assertThat(app.get("release").asInt()).isEqualTo(1);
        assertThat(app.get("formation").toString()).isEqualTo("{\"web\":2,\"worker\":0}");
        assertThat(app.get("instancesWanted").asInt()).isEqualTo(2);
        assertThat(countOf(server.output(), "event=release-phase.started app=pt/shop")).isEqualTo(1);

        // an unknown type is refused, naming the types there are; the old request shape still scales web
        Http.Answer unknown = patch("/v1/apps/pt/shop", "{\"formation\": {\"clock\": 1}}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.json().get("error").asText()).isEqualTo("release 1 of pt/shop has no process type 'clock'");
        assertThat(unknown.json().get("detail").asText()).isEqualTo("its types are web, worker");
        Http.Answer old = patch("/v1/apps/pt/shop", "{\"instances\": 1}");
        assertThat(old.status()).as(old.body()).isEqualTo(200);
        assertThat(old.json().get("formation").toString()).isEqualTo("{\"web\":1,\"worker\":0}");

        // a config change is a new release: the release phase runs again, with the new config
        Http.Answer env = patch("/v1/apps/pt/shop/env", "{\"set\": {\"GREETING\": \"hi\"}}");
        assertThat(env.status()).as(env.body()).isEqualTo(200);
        assertThat(countOf(server.output(), "event=release-phase.started app=pt/shop")).isEqualTo(2);
        assertThat(server.output()).contains("event=release-phase.succeeded app=pt/shop release=2");
        await().atMost(Duration.ofSeconds(30)).until(() -> processes("pt/shop").equals(List.of("web.1 ready")));

        // so does a rollback (release 1 runs again), and restart does not
        Http.Answer rollback = Http.send("POST", server.api("/v1/apps/pt/shop/rollback"), token, "application/json",
                "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(server.output()).contains("event=release-phase.started app=pt/shop release=1 ");
        assertThat(countOf(server.output(), "event=release-phase.started app=pt/shop")).isEqualTo(3);
        Http.Answer restart = Http.send("POST", server.api("/v1/apps/pt/shop/restart"), token, null, null);
        assertThat(restart.status()).as(restart.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> processes("pt/shop").equals(List.of("web.1 ready")));
        assertThat(countOf(server.output(), "event=release-phase.started app=pt/shop")).isEqualTo(3);
    }

    @Test
    void aFailingReleasePhaseFailsTheDeployWithItsOutputAndTheOldReleaseKeepsServing() throws Exception {
        Http.Answer first = deploy("pt/keep", "hello");
        assertThat(first.status()).as(first.body()).isEqualTo(201);

        CliRun bad = skep("deploy", Fixtures.appCopy("release-fails", dir).toString(), "--app", "pt/keep");
        assertThat(bad.exit()).as(bad.out()).isEqualTo(1);
        assertThat(bad.out()).contains("-----> release phase", "migrating the database",
                "migration failed: table users is locked");
        assertThat(bad.err()).contains("release 2 of pt/keep: the release phase 'node release.js' failed (exit 1)")
                .contains("release 1 keeps serving");

        Http.Answer still = Http.hosted(server.routerPort, "keep.pt.localhost", "/");
        assertThat(still.status()).isEqualTo(200);
        assertThat(still.body()).startsWith("hello from pt.keep.1.");
        JsonNode app = Http.get(server.api("/v1/apps/pt/keep"), token).json();
        assertThat(app.get("release").asInt()).isEqualTo(1);
        app.get("instances").forEach(i -> assertThat(i.get("release").asInt()).as("no instance of 2 ever ran")
                .isEqualTo(1));
        JsonNode failed = null;
        for (JsonNode r : app.get("releases")) {
            if (r.get("number").asInt() == 2) {
                failed = r;
            }
        }
        assertThat(failed).isNotNull();
        assertThat(failed.get("failed").asText()).contains("release phase failed");
        assertThat(server.output()).doesNotContain("event=instance.launched app=pt/keep release=2");

        // through the API the same: 422 with the output in the detail
        Http.Answer api = deploy("pt/keep", "release-fails");
        assertThat(api.status()).isEqualTo(422);
        assertThat(api.json().get("detail").asText()).contains("migration failed: table users is locked");
    }

    @Test
    void aWorkerOnlyAppHasNoRouteAndIsReleasedOnceItsWorkerRuns() throws Exception {
        Http.Answer answer = deploy("pt/jobs", "worker-only");
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(processes("pt/jobs")).containsExactly("worker.1 ready");
        assertThat(Http.hosted(server.routerPort, "jobs.pt.localhost", "/").status()).isEqualTo(503);
    }

    @Test
    void aWorkerThatExitsInProbationFailsTheReleaseLikeAWebOne() throws Exception {
        assertThat(deploy("pt/queue", "hello").status()).isEqualTo(201);
        Http.Answer bad = deploy("pt/queue", "worker-dies-soon");
        assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        assertThat(bad.json().get("error").asText()).startsWith("release 2 of pt/queue ")
                .containsPattern("instance pt\\.queue\\.2\\.worker\\.1\\.[0-9a-f]{6} ");
        assertThat(bad.json().get("detail").asText()).contains("queue connection lost, giving up");
        assertThat(Http.hosted(server.routerPort, "queue.pt.localhost", "/").body()).startsWith("hello from pt.queue.1.");
    }

    @Test
    void aProcfileLineThatIsNotTypeColonCommandFailsTheDeployNamingIt() throws Exception {
        byte[] tarball = Tars.app(tar -> Tars.file(tar, "Procfile", "web: node server.js\nworker node worker.js\n",
                0644));
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/pt/typo/releases"), token, "application/gzip",
                tarball);
        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        assertThat(answer.json().get("error").asText())
                .isEqualTo("Procfile line 2 'worker node worker.js' is not 'type: command'");
    }

    // --- helpers ---

    static CliRun skep(String... args) {
        return CliRun.against(server, dir, args);
    }

    static Http.Answer deploy(String app, String fixture) throws Exception {
        return Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token, "application/gzip",
                Fixtures.tarball(fixture));
    }

    static Http.Answer patch(String path, String json) throws Exception {
        return Http.send("PATCH", server.api(path), token, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** "web.1 ready", ... of the app's instances, sorted. */
    static List<String> processes(String app) throws Exception {
        List<String> out = new ArrayList<>();
        Http.get(server.api("/v1/apps/" + app), token).json().get("instances")
                .forEach(i -> out.add(i.get("process").asText() + " " + i.get("state").asText()));
        out.sort(null);
        return out;
    }

    static int countOf(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }
}
