package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens to a running app: crashes, stop/start/restart, logs, env, haibu's drone routes. */
class LifecycleEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        token = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static JsonNode deploy(String app, String fixture) throws Exception {
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token,
                "application/gzip", Fixtures.tarball(fixture));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json();
    }

    static JsonNode instance(String app) throws Exception {
        return Http.get(server.api("/v1/apps/" + app), token).json().get("instances").get(0);
    }

    @Test
    void aCrashedAppIsRestartedAtOnceOnTheSamePortWithItsExitRecorded() throws Exception {
        JsonNode first = deploy("alice/crashy", "crash-after-request").get("instances").get(0);
        int port = first.get("port").asInt();
        long pid = first.get("pid").asLong();
        try {
            Http.plain("http://127.0.0.1:" + port + "/crash");
        } catch (IOException expected) {
            // the app dies mid-request
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode now = instance("alice/crashy");
            assertThat(now.get("pid").asLong()).isNotEqualTo(pid);
            assertThat(now.get("port").asInt()).isEqualTo(port);
            assertThat(now.get("restarts").asInt()).isEqualTo(1);
            assertThat(now.get("lastExit").asText()).isEqualTo("code 7");
            // the new pid shows from its start on (state starting): ask it once it listens
            assertThat(now.get("state").asText()).isEqualTo("ready");
            assertThat(Http.plain("http://127.0.0.1:" + port + "/").status()).isEqualTo(200);
        });
    }

    @Test
    void anAppThatIgnoresPortFailsItsDeploySayingSoWhereItCannotListenElsewhere() throws Exception {
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/alice/stubborn/releases"), token,
                "application/gzip", Fixtures.tarball("ignores-port"));
        if (server.output().contains("event=bindguard.on")) {
            // as root the bind guard refuses 127.0.0.1:39517 (EPERM): like Heroku's R10, the deploy fails and says why
            assertThat(answer.status()).as(answer.body()).isEqualTo(422);
            assertThat(answer.json().get("error").asText()).contains("did not start")
                    .contains("it tried to listen on 127.0.0.1:39517, which skep refuses")
                    .contains("make it listen on process.env.PORT");
        } else {
            // unguarded (skep not root): skep finds the port from /proc and routes there
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            assertThat(answer.json().get("instances").get(0).get("port").asInt()).isEqualTo(39517);
            assertThat(Http.plain("http://127.0.0.1:39517/").body()).isEqualTo("my own port\n");
        }
    }

    @Test
    void stopStartAndRollingRestart() throws Exception {
        deploy("alice/cycle", "hello");
        long pid = instance("alice/cycle").get("pid").asLong();

        JsonNode stopped = Http.send("POST", server.api("/v1/apps/alice/cycle/stop"), token, null, null).json();
        assertThat(stopped.get("running").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Http.get(server.api("/v1/apps/alice/cycle"),
                token).json().get("state").asText()).isEqualTo("stopped"));
        Http.Answer unavailable = Http.hosted(server.routerPort, "cycle.alice.localhost", "/");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.body()).as("a stopped app says so, not \"try again\"").contains("The app is stopped")
                .doesNotContain("Try again");

        Http.send("POST", server.api("/v1/apps/alice/cycle/start"), token, null, null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(Http.hosted(server.routerPort, "cycle.alice.localhost", "/").status()).isEqualTo(200));
        long started = instance("alice/cycle").get("pid").asLong();

        Http.send("POST", server.api("/v1/apps/alice/cycle/restart"), token, null, null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode view = Http.get(server.api("/v1/apps/alice/cycle"), token).json();
            assertThat(view.get("instances")).hasSize(1);
            assertThat(view.get("instances").get(0).get("pid").asLong()).isNotEqualTo(started);
            assertThat(view.get("state").asText()).isEqualTo("running");
        });
    }

    @Test
    void logsAreTailedAndFollowed() throws Exception {
        JsonNode i = deploy("alice/talky", "hello").get("instances").get(0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Http.get(server.api("/v1/apps/alice/talky/logs?tail=10"), token).body())
                .matches("(?s).*\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z alice\\.talky\\.1\\.web\\.1\\.[0-9a-f]{6} stdout listening on \\d+\\n.*"));

        List<String> followed = new CopyOnWriteArrayList<>();
        HttpURLConnection follow = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.apiPort
                + "/v1/apps/alice/talky/logs?tail=0&follow=true").toURL().openConnection();
        follow.setRequestProperty("Authorization", "Bearer " + token);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(follow.getInputStream()))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    followed.add(line);
                }
            } catch (IOException closed) {
                // we hang up at the end
            }
        });
        try {
            // SIGTERM makes hello print a line on its way out: restart and watch it arrive
            await().atMost(Duration.ofSeconds(5)).until(() -> follow.getResponseCode() == 200);
            Http.send("POST", server.api("/v1/apps/alice/talky/restart"), token, null, null);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(followed).anyMatch(l -> l.contains(i.get("instance").asText() + " stdout SIGTERM, bye")));
        } finally {
            follow.disconnect();
            reader.join(5_000);
        }
    }

    @Test
    void envValuesAreShownOnlyByTheEnvRoute() throws Exception {
        deploy("alice/secretive", "hello");
        Http.Answer patch = Http.send("PATCH", server.api("/v1/apps/alice/secretive/env"), token,
                "application/json", "{\"set\": {\"API_KEY\": \"sk-canary-91c2\"}}".getBytes());
        assertThat(patch.status()).as(patch.body()).isEqualTo(200);
        assertThat(patch.body()).contains("API_KEY").doesNotContain("sk-canary-91c2");
        for (String path : List.of("/v1/apps", "/v1/apps/alice/secretive", "/drones", "/drones/secretive")) {
            assertThat(Http.get(server.api(path), token).body()).as(path).doesNotContain("sk-canary-91c2");
        }
        assertThat(Http.get(server.api("/v1/apps/alice/secretive/env"), token).body()).contains("sk-canary-91c2");
        assertThat(server.output()).doesNotContain("sk-canary-91c2");
    }

    @Test
    void haibusDroneRoutesListStopAndStartByName() throws Exception {
        deploy("alice/drone", "hello");
        JsonNode drones = Http.get(server.api("/drones"), token).json().get("drones");
        assertThat(drones.get("drone").get("app").get("user").asText()).isEqualTo("alice");
        assertThat(Http.get(server.api("/drones/running"), token).body()).contains("\"name\":\"drone\"");

        Http.Answer refused = Http.send("POST", server.api("/drones/drone/stop"), token, "application/json",
                "{\"stop\": {\"name\": \"other\"}}".getBytes());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).contains("names app 'other'");

        Http.Answer stop = Http.send("POST", server.api("/drones/drone/stop"), token, "application/json",
                "{\"stop\": {\"name\": \"drone\"}}".getBytes());
        assertThat(stop.status()).as(stop.body()).isEqualTo(200);
        assertThat(stop.json().get("app").get("running").asBoolean()).isFalse();

        // haibu's client reads the new drone (its port above all) from {"drone": ...}
        Http.Answer start = Http.send("POST", server.api("/drones/drone/start"), token, "application/json",
                "{\"start\": {\"name\": \"drone\", \"user\": \"alice\"}}".getBytes());
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        JsonNode drone = start.json().get("drone");
        assertThat(drone.get("name").asText()).isEqualTo("drone");
        assertThat(drone.get("user").asText()).isEqualTo("alice");
        assertThat(Http.get(URI.create("http://" + drone.get("host").asText() + ":" + drone.get("port").asInt() + "/"), null)
                .status()).as("the drone at the port the start answered").isEqualTo(200);
        assertThat(Http.get(server.api("/v1/apps/alice/drone"), token).json().get("running").asBoolean()).isTrue();

        Http.Answer restart = Http.send("POST", server.api("/drones/drone/restart"), token, "application/json",
                "{\"restart\": {\"name\": \"drone\", \"user\": \"alice\"}}".getBytes());
        assertThat(restart.status()).as(restart.body()).isEqualTo(200);
        assertThat(restart.json().get("drones").isArray()).isTrue();

        Http.Answer clean = Http.send("POST", server.api("/drones/drone/clean"), token, "application/json",
                "{\"name\": \"drone\", \"user\": \"alice\"}".getBytes());
        assertThat(clean.status()).isEqualTo(200);
        assertThat(clean.json().get("clean").asBoolean()).isTrue();
        assertThat(Http.get(server.api("/v1/apps/alice/drone"), token).status()).isEqualTo(404);
    }
}
