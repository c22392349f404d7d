package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.cli.SkepCli;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Idle stop against a real server and real node apps: an app without requests for its idle stop sleeps (no node
 * process, {@code ps} says sleeping), the next request wakes it and gets its 200, a burst to a sleeping app all get
 * 200, turning it off keeps an app up, only all-web apps may sleep, and a sleeping app raises no "no samples" alert.
 * Apps that cannot start on wake are {@link IdleWakeFailureEndToEndTest}'s (a server with a shorter start timeout).
 */
class IdleStopEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;
    static int httpsPort;
    static final int START_TIMEOUT_S = 15;

    @BeforeAll
    static void start() throws Exception {
        // no auto-rollback, as IdleWakeFailureEndToEndTest's server; samples every second for the alert rule; a waking
        // app's requests are held as long as the start timeout; HTTPS, for an app's certificate kept through a sleep
        String[] fallback = selfSigned("skep-default");
        httpsPort = SkepServerProcess.freePort();
        server = new SkepServerProcess(dir.resolve("data"), List.of("--drain-timeout", "1", "--auto-rollback", "0",
                "--monitor-interval", "1", "--start-timeout", String.valueOf(START_TIMEOUT_S), "--https-port",
                String.valueOf(httpsPort), "--tls-cert", fallback[0], "--tls-key", fallback[1]), Map.of()).start();
        token = server.token();
        for (String app : List.of("alice/nap", "bob/awake", "erin/stopped")) {
            deploy(app, "hello");
        }
        deploy("fred/ws", "ws-echo");
        deploy("ivy/keeps", "notes");
    }

    /** A self-signed certificate for {@code name} by openssl: its cert and key files. */
    static String[] selfSigned(String name) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor()).as("openssl makes a certificate for " + name).isZero();
        return new String[] {cert.toString(), key.toString()};
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    static void deploy(String app, String fixture) throws Exception {
        deploy(server, app, fixture);
    }

    /** Release 1 (or the next) of {@code app} from a fixture on {@code on}; fails unless it is live. */
    static void deploy(SkepServerProcess on, String app, String fixture) throws Exception {
        Http.Answer deployed = Http.send("POST", on.api("/v1/apps/" + app + "/releases"), on.token(),
                "application/gzip", Fixtures.tarball(fixture));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
    }

    static String host(String app) {
        String[] p = app.split("/");
        return p[1] + "." + p[0] + ".localhost";
    }

    record Reply(int status, String body, long millis) {
    }

    /** One GET through the router on a fresh connection, waiting up to 45 s (a held request waits up to 30 s). */
    static Reply get(String app) throws IOException {
        return get(server.routerPort, app);
    }

    /** One GET through the router on {@code routerPort}, as {@link #get(String)}. */
    static Reply get(int routerPort, String app) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", routerPort)) {
            s.setSoTimeout(45_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host(app) + "\r\nAccept: application/json\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int status = Math.abs(LoadLoop.readResponse(new BufferedInputStream(s.getInputStream()), body));
            return new Reply(status, body.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
        }
    }

    static JsonNode app(String app) throws Exception {
        return app(server, app);
    }

    static JsonNode app(SkepServerProcess on, String app) throws Exception {
        return Http.get(on.api("/v1/apps/" + app), on.token()).json();
    }

    static String state(String app) throws Exception {
        return app(app).get("state").asText();
    }

    static List<Long> pids(String app) throws Exception {
        List<Long> pids = new ArrayList<>();
        app(app).get("instances").forEach(i -> pids.add(i.get("pid").asLong()));
        return pids;
    }

    static String cli(String... args) {
        Map<String, String> env = Map.of("SKEP_SERVER", "http://127.0.0.1:" + server.apiPort, "SKEP_TOKEN", token);
        StringWriter out = new StringWriter();
        CommandLine cli = SkepCli.commandLine(env, dir, Clock.systemUTC(), false);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(args);
        return exit + ":" + out;
    }

    static void awaitState(String app, String wanted, Duration within) {
        awaitState(server, app, wanted, within);
    }

    static void awaitState(SkepServerProcess on, String app, String wanted, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(app(on, app).get("state").asText()).as("state of " + app).isEqualTo(wanted));
    }

    static Http.Answer patch(String app, String json) throws Exception {
        return Http.send("PATCH", server.api("/v1/apps/" + app), token, "application/json",
                json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anIdleAppSleepsAndEveryRequestThatWakesItGetsItsAnswer() throws Exception {
        assertThat(Http.send("PUT", server.api("/v1/apps/alice/nap/alerts"), token, "application/json", """
                {"rules": [{"kind": "expire", "id": "no-samples", "signal": "sample", "after": "PT3S", "per": "app"}]}
                """.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(get("alice/nap").status()).isEqualTo(200);
        long idleSince = System.nanoTime();
        List<Long> before = pids("alice/nap");
        assertThat(before).hasSize(1);

        assertThat(cli("set", "alice/nap", "--idle-stop", "3s")).startsWith("0:").contains("idle stop 3s");
        assertThat(Http.get(server.api("/v1/apps/alice/nap/route"), token).json().get("idleStopSeconds").asLong())
                .isEqualTo(3);
        awaitState("alice/nap", "sleeping", Duration.ofSeconds(20));
        long sleptAfter = (System.nanoTime() - idleSince) / 1_000_000;
        assertThat(sleptAfter).as("asleep after 3 s without a request, not before").isGreaterThanOrEqualTo(3000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ProcessHandle.of(before.get(0)).map(ProcessHandle::isAlive).orElse(false))
                    .as("the app's node process is gone").isFalse();
            assertThat(app("alice/nap").get("instances")).isEmpty();
        });
        assertThat(cli("ps")).contains("alice/nap").contains("sleeping");
        JsonNode asleep = app("alice/nap");
        assertThat(asleep.get("release").asInt()).as("its release stays").isEqualTo(1);
        assertThat(asleep.get("running").asBoolean()).isTrue();

        Reply first = get("alice/nap");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).startsWith("hello from alice.nap.1.web.1");
        System.out.println("idle-stop e2e: slept " + sleptAfter + " ms after the last request; wake to first 200 "
                + first.millis() + " ms");
        assertThat(state("alice/nap")).isEqualTo("running");

        // a burst at a sleeping app: all held, one wake, every one answered by the app
        awaitState("alice/nap", "sleeping", Duration.ofSeconds(20));
        int burst = 200;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                replies.add(pool.submit(() -> get("alice/nap")));
            }
            long ok = 0;
            List<String> other = new ArrayList<>();
            for (Future<Reply> f : replies) {
                Reply r = f.get();
                if (r.status() == 200) {
                    ok++;
                } else {
                    other.add(r.status() + " " + r.body());
                }
            }
            assertThat(other).as("answers other than 200").isEmpty();
            assertThat(ok).isEqualTo(burst);
        }
        // the wake's event is written beside the answers, not before them: a loaded machine showed it a moment later
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Http.get(server.api("/v1/events?app=alice/nap&type=app."), token).json())
                        .extracting(e -> e.get("type").asText())
                        .containsSubsequence("app.sleeping", "app.woke", "app.sleeping", "app.woke"));

        // asleep for longer than the rule's 3 s: no "no samples" alert (the control below shows the rule fires)
        awaitState("alice/nap", "sleeping", Duration.ofSeconds(20));
        Thread.sleep(6000);
        assertThat(state("alice/nap")).isEqualTo("sleeping");
        assertThat(Http.get(server.api("/v1/events?app=alice/nap&type=alert.fired"), token).json())
                .as("alerts fired for the sleeping app").isEmpty();
    }

    @Test
    void theSameRuleFiresForAnAppStoppedByHand() throws Exception {
        assertThat(Http.send("PUT", server.api("/v1/apps/erin/stopped/alerts"), token, "application/json", """
                {"rules": [{"kind": "expire", "id": "no-samples", "signal": "sample", "after": "PT3S", "per": "app"}]}
                """.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        Thread.sleep(2500); // a few samples first: the expiry starts with one
        assertThat(Http.send("POST", server.api("/v1/apps/erin/stopped/stop"), token, "application/json",
                "{}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(Http.get(server.api("/v1/events?app=erin/stopped&type=alert.fired"), token).json())
                        .isNotEmpty());
    }

    @Test
    void idleStopOffKeepsTheAppUpAndWakesASleepingOne() throws Exception {
        assertThat(cli("set", "bob/awake", "--idle-stop", "3s")).startsWith("0:");
        awaitState("bob/awake", "sleeping", Duration.ofSeconds(20));
        assertThat(cli("set", "bob/awake", "--idle-stop", "off")).startsWith("0:").contains("idle stop off");
        awaitState("bob/awake", "running", Duration.ofSeconds(20));
        // the instance the sleep withdrew may still be draining beside the new one: wait until it has gone
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> pids("bob/awake").size() == 1);
        List<Long> pids = pids("bob/awake");
        Thread.sleep(7000); // more than twice the old idle stop, without a request
        assertThat(state("bob/awake")).isEqualTo("running");
        assertThat(pids("bob/awake")).isEqualTo(pids);
        assertThat(get("bob/awake").status()).isEqualTo(200);
    }

    /**
     * Issue 12: a sleeping app keeps its release, env, domains, certificates and volumes. Each is set before the
     * sleep, and after a request to its custom domain wakes it, the new process has the env, the volume's note
     * written before is there, and the router presents the app's own certificate for the domain.
     */
    @Test
    void aSleepingAppKeepsItsReleaseEnvDomainCertificateAndVolume() throws Exception {
        String app = "ivy/keeps";
        String domain = "keeps.example.org";
        assertThat(Http.send("POST", server.api("/v1/apps/" + app + "/volumes"), token, "application/json",
                "{\"path\": \"data\"}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(201);
        Http.Answer env = Http.send("PATCH", server.api("/v1/apps/" + app + "/env"), token, "application/json",
                "{\"set\": {\"KEPT\": \"through-sleep\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(env.status()).as(env.body()).isEqualTo(200);
        Http.Answer added = Http.send("POST", server.api("/v1/apps/" + app + "/domains"), token, "application/json",
                Http.JSON.writeValueAsBytes(Map.of("domain", domain)));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String[] pem = selfSigned(domain);
        Http.Answer cert = Http.send("PUT", server.api("/v1/apps/" + app + "/certificates/" + domain), token,
                "application/json", Http.JSON.writeValueAsBytes(Map.of("cert", Files.readString(
                        Path.of(pem[0])), "key", Files.readString(Path.of(pem[1])))));
        assertThat(cert.status()).as(cert.body()).isEqualTo(200);
        // the note goes to the volume through the domain, once the release with the env serves there
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                environ(app).contains("KEPT=through-sleep") && Http.hosted(server.routerPort, domain, "/").status() == 200);
        assertThat(post(domain, "written before the sleep")).isEqualTo(200);
        int release = app(app).get("release").asInt();

        assertThat(patch(app, "{\"idleStop\": 2}").status()).isEqualTo(200);
        awaitState(app, "sleeping", Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> app(app).get("instances").isEmpty());

        Http.Answer woke = Http.hosted(server.routerPort, domain, "/");
        assertThat(woke.status()).as(woke.body()).isEqualTo(200);
        JsonNode seen = Http.JSON.readTree(woke.body());
        assertThat(seen.get("notes").asText()).isEqualTo("written before the sleep\n");
        assertThat(Files.readString(Fixtures.volume(server.dataDir, "ivy.keeps", "data")
                .resolve("notes.txt"))).as("in the volume, not the instance's copy").isEqualTo("written before the sleep\n");
        assertThat(seen.get("release").asInt()).isEqualTo(release);
        assertThat(environ(app)).contains("KEPT=through-sleep");
        assertThat(EdgeEndToEndTest.servedSubject(httpsPort, domain)).isEqualTo("CN=" + domain);
        assertThat(Http.get(server.api("/v1/apps/" + app + "/domains"), token).json().get("domains").toString())
                .contains(domain);
    }

    /** The environment of the app's (only) running process, from /proc; empty when none runs. */
    static String environ(String app) throws Exception {
        List<Long> pids = pids(app);
        if (pids.size() != 1 || pids.get(0) <= 0) {
            return "";
        }
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pids.get(0)), "environ"),
                    StandardCharsets.ISO_8859_1).replace('\0', '\n');
        } catch (IOException gone) {
            return "";
        }
    }

    /** POST / with a body and {@code Host: host} through the router; its status. */
    static int post(String host, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.routerPort)) {
            s.setSoTimeout(20_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(("POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(bytes);
            return Math.abs(LoadLoop.readResponse(new BufferedInputStream(s.getInputStream()),
                    new ByteArrayOutputStream()));
        }
    }

    /**
     * Issue 12, bad input: a thundering herd. 1,000 requests at once for a sleeping app, from ten client addresses
     * (as a herd comes from many clients; one address alone is capped at 256 connections): one wake, every request
     * its 200, and another app served meanwhile.
     */
    @Test
    void aThunderingHerdOfAThousandRequestsWakesTheAppOnceAndEachGetsItsAnswer() throws Exception {
        deploy("gina/herd", "hello");
        assertThat(patch("gina/herd", "{\"idleStop\": 2}").status()).isEqualTo(200);
        awaitState("gina/herd", "sleeping", Duration.ofSeconds(20));
        long asksBefore = wakeAsks("gina/herd");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> herd = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String from = "127.0.0." + (2 + i % 10);
                herd.add(pool.submit(() -> statusFrom(from, "gina/herd")));
            }
            Reply other = get("bob/awake");
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.millis()).as("another app during the herd").isLessThan(2000);
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (Future<Integer> f : herd) {
                statuses.merge(f.get(), 1, Integer::sum);
            }
            assertThat(statuses).isEqualTo(Map.of(200, 1000));
        }
        // asked once, and again at most once a second while the herd waited
        assertThat(wakeAsks("gina/herd") - asksBefore).isBetween(1L, 5L);
        assertThat(state("gina/herd")).isEqualTo("running");
    }

    /** The status of one GET through the router from {@code source} (a loopback address) on a fresh connection. */
    static int statusFrom(String source, String app) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", server.routerPort), 10_000);
            s.setSoTimeout(45_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host(app) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return Math.abs(LoadLoop.readResponse(new BufferedInputStream(s.getInputStream()), new ByteArrayOutputStream()));
        }
    }

    static long wakeAsks(String app) {
        return server.output().lines().filter(l -> l.contains("event=app.wake-asked app=" + app + " ")).count();
    }

    @Test
    void aWebsocketUpgradeWakesASleepingAppAndBytesFlow() throws Exception {
        assertThat(patch("fred/ws", "{\"idleStop\": 2}").status()).isEqualTo(200);
        awaitState("fred/ws", "sleeping", Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> app("fred/ws").get("instances").isEmpty());
        try (Socket s = new Socket("127.0.0.1", server.routerPort)) {
            s.setSoTimeout(45_000);
            s.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: " + host("fred/ws") + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            BufferedInputStream in = new BufferedInputStream(s.getInputStream());
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("the answer so far: " + head).isNotNegative();
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101")
                    .contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="); // RFC 6455's example key and answer
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
            assertThat(state("fred/ws")).isEqualTo("running");
            Thread.sleep(4500); // past its idle stop, the websocket open: in use, so awake
            assertThat(state("fred/ws")).isEqualTo("running");
            s.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("pong");
        }
    }

    @Test
    void onlyAppsWhoseProcessTypesAreAllWebMaySleep() throws Exception {
        deploy("dave/jobs", "procfile-worker");
        Http.Answer refused = patch("dave/jobs", "{\"idleStop\": 60}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("only apps whose process types are all web may sleep").contains("worker");
        assertThat(Http.get(server.api("/v1/apps/dave/jobs/route"), token).json().get("idleStopSeconds").asLong())
                .isZero();
        assertThat(cli("set", "dave/jobs", "--idle-stop", "soon")).startsWith("2:")
                .contains("--idle-stop must be a duration");
        assertThat(patch("dave/jobs", "{\"idleStop\": -5}").status()).isEqualTo(400);
    }
}
