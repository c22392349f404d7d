package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.client.SkepClient;
import dev.skep.model.AppId;
import dev.skep.model.DataDirs;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `skep run`, end to end with the notes fixture (GET / answers data/notes.txt, a volume, and scratch.txt, its
 * own copy): a one-off sees the live release's env, Node, uid and volumes, writes nothing into the release,
 * exits with its own code, and leaves no process behind when it ends or when its client hangs up.
 */
class RunEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of("--probation", "0"), Map.of()).start();
        token = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static CliRun skep(String... args) {
        return CliRun.against(server, dir, args);
    }

    private static void deploy(String app) throws Exception {
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token, "application/gzip",
                Fixtures.tarball(Fixtures.app("notes")));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }

    private static JsonNode only(String app) throws Exception {
        JsonNode instances = Http.get(server.api("/v1/apps/" + app), token).json().get("instances");
        assertThat(instances).hasSize(1);
        return instances.get(0);
    }

    /** Waits until the app's one instance is ready and not {@code old}; returns it. */
    private static JsonNode awaitFresh(String app, String old) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode one = only(app);
            assertThat(one.get("instance").asText()).isNotEqualTo(old);
            assertThat(one.get("state").asText()).isEqualTo("ready");
        });
        try {
            return only(app);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode get(JsonNode instance) throws Exception {
        Http.Answer answer = Http.sendFresh("GET", URI.create("http://127.0.0.1:" + instance.get("port").asInt() + "/"),
                null, null, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    /** Processes whose command line holds {@code mark}: how a test finds what its one-off started. */
    private static List<Long> processesWith(String mark) throws IOException {
        List<Long> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(mark)) {
                        found.add(Long.parseLong(name));
                    }
                } catch (IOException gone) {
                    // it ended while we looked
                }
            }
        }
        return found;
    }

    private static List<String> oneOffDirsLeft() throws IOException {
        Path work = server.dataDir.resolve("agent/work");
        if (!Files.isDirectory(work)) {
            return List.of();
        }
        try (var dirs = Files.list(work)) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.contains(".run.")).toList();
        }
    }

    @Test
    void aOneOffRunsInTheLiveReleaseWithItsEnvNodeUidAndVolumesAndExitsWithItsCode() throws Exception {
        String app = "alice/notes";
        deploy(app);
        String first = only(app).get("instance").asText();
        Http.Answer added = Http.send("POST", server.api("/v1/apps/" + app + "/volumes"), token, "application/json",
                "{\"path\": \"data\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String withVolume = awaitFresh(app, first).get("instance").asText();
        Http.Answer env = Http.send("PATCH", server.api("/v1/apps/" + app + "/env"), token, "application/json",
                "{\"set\": {\"GREETING\": \"hello from the env\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(env.status()).as(env.body()).isEqualTo(200);
        JsonNode live = awaitFresh(app, withVolume);
        JsonNode newest = Http.get(server.api("/v1/apps/" + app + "/releases"), token).json().get(0);

        String script = String.join(";",
                "const fs = require('fs')",
                "console.log('process=' + process.env.SKEP_PROCESS)",
                "console.log('greeting=' + process.env.GREETING)",
                "console.log('release=' + process.env.SKEP_RELEASE)",
                "console.log('node=' + process.version)",
                "console.log('uid=' + process.getuid())",
                "fs.mkdirSync('data', {recursive: true})",
                "fs.appendFileSync('data/notes.txt', 'from a one-off\\n')",
                "fs.appendFileSync('scratch.txt', 'from a one-off\\n')",
                "console.error('to stderr')",
                "process.exit(3)");
        CliRun run = skep("run", app, "--", "node", "-e", script);

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.err()).contains("Running `node -e").contains(" in alice/notes as run.");
        assertThat(run.out()).contains("process=run.", "greeting=hello from the env",
                "release=" + newest.get("number").asInt(), "to stderr");
        if (newest.hasNonNull("node")) {
            assertThat(run.out()).contains("node=v" + newest.get("node").asText());
        }
        if (DataDirs.runningAsRoot()) {
            Object volumeOwner = Files.getAttribute(Fixtures.volume(server.dataDir, "alice.notes", "data"), "unix:uid");
            assertThat(run.out()).as("the app's uid, as its volume's owner").contains("uid=" + volumeOwner);
            assertThat((Integer) volumeOwner).isNotZero();
        }

        JsonNode seen = get(live);
        assertThat(seen.get("notes").asText()).as("the one-off wrote into the app's volume").contains("from a one-off");
        assertThat(seen.get("scratch").isNull()).as("but into a copy of its own, not the instance's: " + seen).isTrue();
        assertThat(oneOffDirsLeft()).as("its copy is removed").isEmpty();

        CliRun missing = skep("run", app, "--", "no-such-program-here");
        assertThat(missing.exit()).as(missing.out() + missing.err()).isNotZero();
        assertThat(missing.out() + missing.err()).contains("no-such-program-here");
    }

    @Test
    void aOneOffIsKilledWithAllItStartedWhenItsClientHangsUpAndLeavesNothingWhenItEnds() throws Exception {
        String app = "alice/killed";
        deploy(app);
        SkepClient client = new SkepClient(URI.create("http://127.0.0.1:" + server.apiPort), token);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> client.run(AppId.parse(app),
                List.of("sh", "-c", "sleep 291.7 & echo started; sleep 291.8"), id -> { }, line -> {
                    if (line.equals("started")) {
                        started.countDown();
                    }
                }));
        assertThat(started.await(30, TimeUnit.SECONDS)).as("the one-off printed its first line").isTrue();
        assertThat(processesWith("291.7")).isNotEmpty();
        assertThat(processesWith("291.8")).isNotEmpty();

        client.close(); // as Ctrl-C or a lost connection does
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(processesWith("291.7")).as("the background child").isEmpty();
            assertThat(processesWith("291.8")).as("the command").isEmpty();
            assertThat(oneOffDirsLeft()).isEmpty();
        });
        assertThat(exit).failsWithin(Duration.ofSeconds(10));

        // a one-off ends with its command, as Heroku's do: what it left running goes with it
        CliRun ended = skep("run", app, "--", "sh", "-c", "(sleep 292.3 &); echo done");
        assertThat(ended.exit()).as(ended.out() + ended.err()).isZero();
        assertThat(ended.out()).contains("done");
        assertThat(processesWith("292.3")).isEmpty();
        assertThat(oneOffDirsLeft()).isEmpty();
    }

    @Test
    void badRequestsAreRefusedWithAClearMessage() throws Exception {
        Http.Answer none = Http.send("POST", server.api("/v1/apps/alice/nothing-here/run"), token, "application/json",
                "{\"command\": [\"node\", \"-v\"]}".getBytes(StandardCharsets.UTF_8));
        assertThat(none.status()).isEqualTo(404);

        String app = "alice/bad-run";
        deploy(app);
        Http.Answer empty = Http.send("POST", server.api("/v1/apps/" + app + "/run"), token, "application/json",
                "{\"command\": []}".getBytes(StandardCharsets.UTF_8));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("no command to run");
        Http.Answer nul = Http.send("POST", server.api("/v1/apps/" + app + "/run"), token, "application/json",
                "{\"command\": [\"node\", \"a\\u0000b\"]}".getBytes(StandardCharsets.UTF_8));
        assertThat(nul.status()).isEqualTo(400);
        Http.Answer anonymous = Http.send("POST", server.api("/v1/apps/" + app + "/run"), null, "application/json",
                "{\"command\": [\"node\", \"-v\"]}".getBytes(StandardCharsets.UTF_8));
        assertThat(anonymous.status()).isEqualTo(401);
    }
}
