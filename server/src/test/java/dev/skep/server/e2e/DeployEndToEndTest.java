package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real `skep server`, real node apps, deployed the haibu way and through /v1. */
class DeployEndToEndTest {

    static final String CANARY = "canary-7f3a9c";

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of("SKEP_TEST_CANARY", CANARY)).start();
        token = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    Http.Answer deploy(String route, String app, byte[] tarball) throws Exception {
        return Http.send("POST", server.api(route + app), token, "application/gzip", tarball);
    }

    @Test
    void theHaibuRouteDeploysAndTheAppAnswersOnItsPort() throws Exception {
        Http.Answer answer = deploy("/deploy/", "alice/hello", Fixtures.tarball("hello"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode drone = answer.json().get("drone");
        assertThat(drone.get("user").asText()).isEqualTo("alice");
        assertThat(drone.get("name").asText()).isEqualTo("hello");
        assertThat(drone.get("release").asInt()).isEqualTo(1);
        assertThat(drone.get("hash").asText()).hasSize(64);
        assertThat(drone.get("status").asText()).isEqualTo("started");
        for (String field : List.of("host", "port", "pid", "ctime")) {
            assertThat(drone.has(field)).as(field).isTrue();
        }
        assertThat(answer.body()).doesNotContain(CANARY).doesNotContainIgnoringCase("\"env\"");

        Http.Answer app = Http.plain("http://127.0.0.1:" + drone.get("port").asInt() + "/");
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.body()).startsWith("hello from alice.hello.1.");
    }

    @Test
    void noVariableOfSkepsOwnEnvironmentReachesTheApp() throws Exception {
        Http.Answer answer = deploy("/deploy/", "alice/envy", Fixtures.tarball("env-dump"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        int port = answer.json().get("drone").get("port").asInt();
        JsonNode env = Http.JSON.readTree(Http.plain("http://127.0.0.1:" + port + "/").body());
        assertThat(env.toString()).doesNotContain(CANARY);
        List<String> names = Http.JSON.convertValue(env, Map.class).keySet().stream().map(Object::toString).sorted().toList();
        assertThat(names).contains("PORT", "NODE_ENV", "SKEP_APP", "SKEP_RELEASE", "SKEP_INSTANCE",
                "SKEP_HEARTBEAT_URL", "SKEP_HEARTBEAT_SECRET");
        assertThat(names).allMatch(n -> List.of("PORT", "NODE_ENV", "SKEP_APP", "SKEP_RELEASE", "SKEP_INSTANCE",
                "SKEP_PROCESS", "PATH", "HOME", "SKEP_HEARTBEAT_URL", "SKEP_HEARTBEAT_SECRET",
                "npm_config_update_notifier").contains(n), "only skep's documented vars");
        assertThat(env.get("SKEP_HEARTBEAT_URL").asText())
                .isEqualTo("http://127.0.0.1:" + server.apiPort + "/v1/heartbeat/" + env.get("SKEP_INSTANCE").asText());
        assertThat(env.get("SKEP_HEARTBEAT_SECRET").asText()).hasSize(64);
        assertThat(env.get("PORT").asInt()).isEqualTo(port);
        assertThat(env.get("NODE_ENV").asText()).isEqualTo("production");
        assertThat(env.get("SKEP_APP").asText()).isEqualTo("alice/envy");
    }

    @Test
    void v1DeployAnswersWithTheReleaseAndARedeployRunsTheNewCode() throws Exception {
        Http.Answer first = deploy("/v1/apps/", "bob/shop/releases", Fixtures.tarball("hello"));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().get("release").asInt()).isEqualTo(1);
        assertThat(first.json().get("command").toString()).contains("node", "server.js");

        Http.Answer second = deploy("/v1/apps/", "bob/shop/releases", Fixtures.tarball("procfile"));
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        assertThat(second.json().get("release").asInt()).isEqualTo(2);
        int port = second.json().get("instances").get(0).get("port").asInt();
        assertThat(Http.plain("http://127.0.0.1:" + port + "/").body()).isEqualTo("procfile --mode=procfile\n");
    }

    @Test
    void onceARolloutAnswersTheRouterSendsTheNextRequestToTheNewRelease() throws Exception {
        assertThat(deploy("/deploy/", "frank/flip", Fixtures.tarball("hello")).status()).isEqualTo(200);
        for (int release = 2; release <= 9; release++) {
            String greeting = "greeting" + release;
            Http.Answer change = Http.send("PATCH", server.api("/v1/apps/frank/flip/env"), token, "application/json",
                    Http.JSON.writeValueAsBytes(Map.of("set", Map.of("GREETING", greeting))));
            assertThat(change.status()).as(change.body()).isEqualTo(200);
            // at once, on a new connection: no old instance may still be in the router's table
            assertThat(Http.hosted(server.routerPort, "flip.frank.localhost", "/").body())
                    .startsWith(greeting + " from frank.flip." + release + ".");
        }
    }

    @Test
    void anAppCreatedBeforeItsFirstDeployTakesTheEnvSetMeanwhile() throws Exception {
        Http.Answer created = Http.send("POST", server.api("/v1/apps/gina/early"), token, null, null);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("release").asInt()).isZero();
        Http.Answer again = Http.send("POST", server.api("/v1/apps/gina/early"), token, null, null);
        assertThat(again.status()).as(again.body()).isEqualTo(409);
        Http.Answer env = Http.send("PATCH", server.api("/v1/apps/gina/early/env"), token, "application/json",
                Http.JSON.writeValueAsBytes(Map.of("set", Map.of("GREETING", "set early"))));
        assertThat(env.status()).as(env.body()).isEqualTo(200);

        Http.Answer first = deploy("/v1/apps/", "gina/early/releases", Fixtures.tarball("hello"));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().get("release").asInt()).isEqualTo(1);
        assertThat(Http.hosted(server.routerPort, "early.gina.localhost", "/").body())
                .startsWith("set early from gina.early.1.");
    }

    @Test
    void anEnvGrownPastItsBoundPiecewiseIsRefusedAndTheAppKeepsServingWhatItHad() throws Exception {
        assertThat(deploy("/deploy/", "frank/big-env", Fixtures.tarball("hello")).status()).isEqualTo(200);
        // each body is small; together they would make a state node over ZooKeeper's 1 MB, which closes the
        // connection of every role in the process, if nothing bounded the sum
        Http.Answer first = Http.send("PATCH", server.api("/v1/apps/frank/big-env/env"), token, "application/json",
                Http.JSON.writeValueAsBytes(Map.of("set", Map.of("BIG_A", "a".repeat(40 * 1024)))));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        Http.Answer second = Http.send("PATCH", server.api("/v1/apps/frank/big-env/env"), token, "application/json",
                Http.JSON.writeValueAsBytes(Map.of("set", Map.of("BIG_B", "b".repeat(40 * 1024)))));
        assertThat(second.status()).as(second.body()).isEqualTo(413);
        assertThat(second.json().get("error").asText()).contains("would be 81930 bytes, more than 65536");
        JsonNode env = Http.get(server.api("/v1/apps/frank/big-env/env"), token).json().get("env");
        assertThat(env.has("BIG_A")).isTrue();
        assertThat(env.has("BIG_B")).isFalse();
        assertThat(Http.hosted(server.routerPort, "big-env.frank.localhost", "/").body())
                .startsWith("hello from frank.big-env.2.");
    }

    @Test
    void anAppWithDependenciesIsBuiltWithNpm() throws Exception {
        Http.Answer answer = deploy("/v1/apps/", "carol/deps/releases", Fixtures.tarball("with-deps"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        int port = answer.json().get("instances").get(0).get("port").asInt();
        assertThat(Http.plain("http://127.0.0.1:" + port + "/").body()).isEqualTo("two days is 172800000 ms\n");
    }

    @Test
    void aReleaseThatCrashesAtStartFailsTheDeployAndThePreviousKeepsServing() throws Exception {
        Http.Answer good = deploy("/v1/apps/", "dave/web/releases", Fixtures.tarball("hello"));
        assertThat(good.status()).as(good.body()).isEqualTo(201);
        int port = good.json().get("instances").get(0).get("port").asInt();

        Http.Answer bad = deploy("/v1/apps/", "dave/web/releases", Fixtures.tarball("crash-at-start"));
        assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        assertThat(bad.json().get("error").asText()).contains("did not start");
        assertThat(bad.json().get("detail").asText()).contains("release 1 keeps serving")
                .contains("missing DATABASE_URL, giving up");

        assertThat(Http.plain("http://127.0.0.1:" + port + "/").body()).startsWith("hello from dave.web.1.");
        JsonNode app = Http.get(server.api("/v1/apps/dave/web"), token).json();
        assertThat(app.get("release").asInt()).isEqualTo(1);
        // the failed release is kept, marked failed, so its number is never handed out again
        assertThat(app.get("releases").findValues("number").stream().map(JsonNode::asInt)).containsExactly(2, 1);
        assertThat(app.get("releases").get(0).get("failed").asText()).startsWith("did not start: ")
                .contains("exited before it was ready");
        assertThat(app.get("releases").get(1).path("failed").isTextual()).as("release 1 did not fail").isFalse();
    }

    @Test
    void deploysOfSeveralAppsAtOnceAllSucceed() throws Exception {
        byte[] hello = Fixtures.tarball("hello");
        List<Thread> threads = new ArrayList<>();
        Map<String, Integer> statuses = new ConcurrentHashMap<>();
        for (int i = 0; i < 6; i++) {
            String app = "frank/app" + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    statuses.put(app, deploy("/deploy/", app, hello).status());
                } catch (Exception e) {
                    statuses.put(app, -1);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(statuses).hasSize(6).allSatisfy((app, status) -> assertThat(status).as(app).isEqualTo(200));
        for (String app : statuses.keySet()) {
            JsonNode view = Http.get(server.api("/v1/apps/" + app), token).json();
            assertThat(view.get("state").asText()).as(app).isEqualTo("running");
        }
    }

    @Test
    void badUploadsGetAClearFourHundredAndChangeNothing() throws Exception {
        Http.Answer notGzip = deploy("/deploy/", "erin/x", "this is not a tarball".getBytes());
        assertThat(notGzip.status()).isEqualTo(400);
        assertThat(notGzip.json().get("error").asText()).containsIgnoringCase("gzip");

        Http.Answer empty = deploy("/deploy/", "erin/x", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);

        Http.Answer badName = deploy("/deploy/", "erin/..%2Fetc", Fixtures.tarball("hello"));
        assertThat(badName.status()).isIn(400, 404);

        Http.Answer upper = deploy("/deploy/", "erin/Shop", Fixtures.tarball("hello"));
        assertThat(upper.status()).isEqualTo(400);
        assertThat(upper.json().get("error").asText()).contains("invalid app name");

        assertThat(Http.get(server.api("/v1/apps/erin/x"), token).status()).isEqualTo(404);
    }

    @Test
    void withoutAValidTokenNothingHappens() throws Exception {
        Http.Answer none = Http.send("POST", server.api("/deploy/mallory/x"), null, "application/gzip",
                Fixtures.tarball("hello"));
        assertThat(none.status()).isEqualTo(401);
        Http.Answer wrong = Http.send("POST", server.api("/deploy/mallory/x"), "skp_wrong", "application/gzip",
                Fixtures.tarball("hello"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("error").asText()).contains("unauthorized");
        assertThat(Http.get(server.api("/v1/apps/mallory/x"), token).status()).isEqualTo(404);
        assertThat(Http.get(server.api("/version"), null).status()).isEqualTo(200);
    }
}
