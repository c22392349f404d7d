package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.cli.SkepCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * socket.io's default client (long-polling first, then the websocket upgrade) against an app of 3 instances,
 * through the router: it works with sticky sessions ({@code skep set --sticky}) and fails without, since each
 * instance knows only the sessions it made. Both sides are the real packages from npm, locked.
 */
class StickyEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;
    static Path client;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of("--drain-timeout", "1"), Map.of()).start();
        token = server.token();
        client = installClient();
        for (String app : List.of("alice/chat", "bob/chat")) {
            Http.Answer deployed = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token,
                    "application/gzip", Fixtures.tarball("socketio"));
            assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
            assertThat(Http.send("PATCH", server.api("/v1/apps/" + app), token, "application/json",
                    "{\"instances\": 3}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        }
        for (String app : List.of("alice/chat", "bob/chat")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> readyInstances(app).size() == 3);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    /** socket.io-client from its locked fixture, installed with npm ci into a temp dir. */
    static Path installClient() throws Exception {
        Path fixture = Fixtures.repo().resolve("fixtures/clients/socketio");
        Path to = Files.createDirectories(dir.resolve("socketio-client"));
        for (String f : List.of("package.json", "package-lock.json", "client.js")) {
            Files.copy(fixture.resolve(f), to.resolve(f));
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(to.toFile())
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(npm.exitValue()).as("npm ci of socket.io-client: %s", out).isZero();
        return to;
    }

    record Run(int exit, String output) {
    }

    /** node client.js: connect, emit and get the echo, over polling then websocket. */
    static Run socketIo(String host) throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", "client.js", String.valueOf(server.routerPort), host, "15000")
                .directory(client.toFile()).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            return new Run(-1, out + " (killed)");
        }
        return new Run(node.exitValue(), out);
    }

    static List<String> readyInstances(String app) throws Exception {
        JsonNode all = Http.get(server.api("/v1/apps/" + app), token).json().get("instances");
        List<String> ready = new ArrayList<>();
        all.forEach(i -> {
            if ("ready".equals(i.get("state").asText())) {
                ready.add(i.get("instance").asText());
            }
        });
        return ready;
    }

    static String rawHead(String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.routerPort)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void socketIoWorksAtThreeInstancesWithStickySessions() throws Exception {
        Map<String, String> env = Map.of("SKEP_SERVER", "http://127.0.0.1:" + server.apiPort, "SKEP_TOKEN", token);
        StringWriter out = new StringWriter();
        CommandLine cli = SkepCli.commandLine(env, dir, Clock.systemUTC(), false);
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("set", "alice/chat", "--sticky")).isZero();
        assertThat(out.toString()).contains("alice/chat: ").contains("sticky sessions on");
        assertThat(Http.get(server.api("/v1/apps/alice/chat/route"), token).json().get("sticky").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> rawHead("chat.alice.localhost").toLowerCase().contains("set-cookie: skep_sticky="));

        List<String> ready = readyInstances("alice/chat");
        Set<String> served = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Run run = socketIo("chat.alice.localhost");
            assertThat(run.exit()).as(run.output()).isZero();
            assertThat(run.output()).contains("{\"step\":\"open\",\"transport\":\"polling\"}")
                    .contains("{\"step\":\"upgrade\",\"transport\":\"websocket\"}")
                    .contains("\"msg\":\"after the upgrade\"").contains("{\"step\":\"done\"}");
            Matcher m = Pattern.compile("\"instance\":\"([^\"]+)\"").matcher(run.output());
            assertThat(m.find()).isTrue();
            served.add(m.group(1));
        }
        assertThat(ready).containsAll(served);

        cli = SkepCli.commandLine(env, dir, Clock.systemUTC(), false);
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("set", "alice/chat", "--sticky=false")).isZero();
        assertThat(out.toString()).contains("sticky sessions off");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> !rawHead("chat.alice.localhost").toLowerCase().contains("skep_sticky"));
    }

    @Test
    void withoutStickySessionsTheSameClientFailsAtThreeInstances() throws Exception {
        assertThat(Http.get(server.api("/v1/apps/bob/chat/route"), token).json().get("sticky").asBoolean()).isFalse();
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 9; i++) {
            String head = rawHead("chat.bob.localhost");
            assertThat(head.toLowerCase()).doesNotContain("skep_sticky");
            Matcher m = Pattern.compile("socketio from (\\S+)").matcher(head);
            assertThat(m.find()).as(head).isTrue();
            spread.add(m.group(1));
        }
        assertThat(spread).as("requests without sticky sessions spread over the instances").hasSizeGreaterThan(1);
        for (int i = 0; i < 3; i++) {
            Run run = socketIo("chat.bob.localhost");
            System.out.println("socket.io without sticky sessions, run " + i + ": " + run.output());
            assertThat(run.exit()).as("socket.io without sticky sessions: %s", run.output()).isNotZero();
            assertThat(run.output()).contains("\"step\":\"failed\"");
        }
    }
}
