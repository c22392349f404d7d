package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.RouterEndpoint;
import dev.skep.state.EmbeddedZooKeeper;
import dev.skep.state.StateConnection;
import dev.skep.state.ZkAcl;
import dev.skep.state.ZkClusterState;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge in front of several routers (issue 12 §2): a real HAProxy (Debian's, master-worker mode) on loopback
 * whose config `skep edge haproxy --watch` writes from the live routers and reloads with SIGUSR2, in front of a
 * cluster of separate JVMs (controller, agent, routers) serving a real node app. Every role runs a 4 s ZooKeeper
 * session (--zk-session-timeout, 10 s by default): a killed router leaves the state, and the config, when it ends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaproxyEdgeEndToEndTest {

    static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    static final String HOST = "hello.alice.localhost";
    /** Every role's ZooKeeper session: each role is started with it, and logs that the ensemble granted it. */
    static final Duration SESSION = Duration.ofSeconds(4);
    static final String SESSION_S = String.valueOf(SESSION.toSeconds());

    @TempDir
    static Path dir;

    static EmbeddedZooKeeper zk;
    static Path secret;
    static final List<RoleProcess> roles = new ArrayList<>();
    static RoleProcess routerA;
    static RoleProcess routerB;
    static RoleProcess edge;
    static int apiPort;
    static int portA;
    static int portB;
    static int edgePort;
    static int edgeTlsPort;
    static Path cert;
    static Path key;
    static Path config;
    static Process haproxy;

    @BeforeAll
    static void start() throws Exception {
        assertThat(HAPROXY).as("Debian's haproxy (.ci/run installs it)").isExecutable();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        zk = EmbeddedZooKeeper.start(Files.createDirectories(dir.resolve("zk")), new InetSocketAddress("127.0.0.1", 0));
        secret = Files.createFile(dir.resolve("zk.secret"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secret, HexFormat.of().formatHex(new SecureRandom().generateSeed(32)));
        apiPort = SkepServerProcess.freePort();
        portA = SkepServerProcess.freePort();
        portB = SkepServerProcess.freePort();
        edgePort = SkepServerProcess.freePort();
        edgeTlsPort = SkepServerProcess.freePort();
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=skep-router-default", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(openssl.waitFor()).as("openssl makes the routers' default certificate").isZero();
        config = dir.resolve("haproxy.cfg");
        int appPorts = SkepServerProcess.appPorts(1);
        roles.add(RoleProcess.start("controller", logs(), "event=api.started", "controller", "--zk", zk(),
                "--zk-secret", secret.toString(), "--zk-session-timeout", SESSION_S, "--data-dir", dir.resolve("controller").toString(),
                "--api-port", String.valueOf(apiPort), "--advertise", "127.0.0.1", "--id", "ctl", "--probation", "1",
                "--router-port", String.valueOf(portA)));
        roles.add(RoleProcess.start("a1", logs(), "event=agent.started", "agent", "--zk", zk(), "--zk-secret",
                secret.toString(), "--zk-session-timeout", SESSION_S, "--data-dir", dir.resolve("a1").toString(), "--agent-id", "a1", "--advertise",
                "127.0.0.1", "--app-ports", appPorts + "-" + (appPorts + 99), "--drain-timeout", "2"));
        routerA = router("routerA", portA);
        routerB = router("routerB", portB);

        String token = Files.readString(dir.resolve("controller/admin.token")).trim();
        Http.Answer deploy = Http.send("POST", api("/v1/apps/alice/hello/releases"), token, "application/gzip",
                Fixtures.tarball("hello"));
        assertThat(deploy.status()).as(deploy.body()).isEqualTo(201);
        assertThat(Http.send("PATCH", api("/v1/apps/alice/hello"), token, "application/json",
                "{\"instances\": 2}".getBytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> ready(token) == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> Http.hosted(portA, HOST, "/").status() == 200
                && Http.hosted(portB, HOST, "/").status() == 200);

        // once, without --watch: what an operator runs to see the config; both routers registered by now
        await("a one-shot render names both routers").atMost(Duration.ofSeconds(60)).until(() -> {
            Process once = edgeOnce();
            String said = new String(once.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(once.waitFor()).as(said).isZero();
            assertThat(said).contains("live router(s), written to " + config);
            String text = Files.readString(config);
            return text.contains(":" + portA + " check") && text.contains(":" + portB + " check");
        });
        Process check = new ProcessBuilder(HAPROXY.toString(), "-c", "-f", config.toString()).redirectErrorStream(true)
                .start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as("haproxy -c: " + checked).isZero();

        // master-worker mode: SIGUSR2 to the master re-reads the file and starts new workers, the old ones finish
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-W", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs().resolve("haproxy.log").toFile())).start();
        edge = RoleProcess.start("edge", logs(), "event=edge.reloaded", "edge", "haproxy", "--zk", zk(), "--zk-secret",
                secret.toString(), "--zk-session-timeout", SESSION_S, "--bind", "127.0.0.1:" + edgePort, "--tls-bind", "127.0.0.1:" + edgeTlsPort,
                "--out", config.toString(), "--watch",
                "--reload-cmd", "kill -USR2 " + haproxy.pid());
        roles.add(edge);
        for (RoleProcess role : roles) { // the router's departure below is timed by this session, not the default
            role.awaitSessionOf(SESSION);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> answer(HOST, "/").status() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (haproxy != null) { // the master and its workers, old ones too, by pid
            List<ProcessHandle> workers = haproxy.descendants().toList();
            haproxy.destroy();
            haproxy.waitFor();
            workers.forEach(ProcessHandle::destroyForcibly);
        }
        for (int i = roles.size() - 1; i >= 0; i--) {
            roles.get(i).close();
        }
        Mounts.release(dir);
        if (zk != null) {
            zk.close();
        }
    }

    /** The client's own forwarding headers are replaced at the edge; the routers trust and extend the edge's. */
    @Test
    @Order(1)
    void theAppSeesTheEdgesForwardingHeadersNeverTheClientsClaims() throws Exception {
        Http.Answer seen = answer(HOST, "/headers", "X-Forwarded-For: 6.6.6.6", "X-Forwarded-Proto: https",
                "X-Real-IP: 6.6.6.6");
        assertThat(seen.status()).isEqualTo(200);
        JsonNode headers = Http.JSON.readTree(seen.body());
        // the edge saw the client at 127.0.0.1, the router saw the edge at 127.0.0.1
        assertThat(headers.get("x-forwarded-for").asText()).isEqualTo("127.0.0.1, 127.0.0.1");
        assertThat(headers.get("x-forwarded-proto").asText()).isEqualTo("http");
        assertThat(headers.get("x-forwarded-port").asText()).isEqualTo(String.valueOf(edgePort));
        assertThat(seen.body()).doesNotContain("6.6.6.6");

        Http.Answer health = answer("skep-edge.invalid", "/");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok");
    }

    /** HTTPS is passed through: the client gets the routers' certificate (the edge holds none) and the app answers. */
    @Test
    @Order(1)
    void tlsIsPassedThroughToTheRoutersHttpsPorts() throws Exception {
        await("HAProxy has checked the TLS backends").atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> tlsAnswer().status() == 200);
        Http.Answer a = tlsAnswer();
        assertThat(a.body()).startsWith("hello from ");
        SSLContext trustAll = trustAll();
        try (var socket = (SSLSocket) trustAll.getSocketFactory().createSocket("127.0.0.1", edgeTlsPort)) {
            socket.startHandshake();
            var presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(presented.getSubjectX500Principal().getName()).isEqualTo("CN=skep-router-default");
        }
    }

    /**
     * kill -9 of a router under a steady GET load: HAProxy retries elsewhere, health checks take it out. Throughout,
     * the config also names a router that registered and died before the reload (its session still open, nothing
     * listening): every new HAProxy worker starts out sending it requests, and the retries must cover that too.
     */
    @Test
    @Order(2)
    void aRouterKilledUnderLoadCostsNoRequest() throws Exception {
        int ghostPort = SkepServerProcess.freePort();
        LoadLoop.Result result;
        try (var connection = StateConnection.open(zk(), Duration.ofSeconds(10), Duration.ofSeconds(10),
                ZkAcl.fromFile(secret));
             var state = new ZkClusterState(connection.client(), Clock.systemUTC())) {
            state.registerRouter(new RouterEndpoint("ghost-router", "127.0.0.1", ghostPort, -1));
            await("the dead router is written in and HAProxy reloaded").atMost(Duration.ofSeconds(20))
                    .until(() -> edge.output().lines().anyMatch(l -> l.contains("event=edge.reloaded")
                            && l.contains("ghost-router")));
            result = killARouterUnderLoad();
        }
        assertThat(result.failed()).as("failed requests; first: " + result.samples()).isZero();
        assertThat(result.ok()).isGreaterThan(300);
        assertThat(edge.output()).contains("event=edge.reloaded");
        await("the dead router's session ends: out of the config").atMost(Duration.ofSeconds(20))
                .until(() -> !Files.readString(config).contains("ghost-router"));
    }

    private static LoadLoop.Result killARouterUnderLoad() throws Exception {
        LoadLoop.Result result;
        try (LoadLoop load = LoadLoop.paced(HOST, edgePort, 1, Duration.ofMillis(20))) { // ~50 req/s
            Thread.sleep(5_000);
            long before = load.okSoFar();
            routerA.kill();
            // its session ends (4 s): the edge drops it from the file and reloads HAProxy, under load too
            await("the dead router leaves the config").atMost(Duration.ofSeconds(30))
                    .until(() -> !Files.readString(config).contains(":" + portA + " check"));
            Thread.sleep(3_000);
            result = load.stop();
            assertThat(result.ok() - before).as("requests went on after the kill").isGreaterThan(100);
        }
        return result;
    }

    /** A router that joins is written in and reloaded; with the others gone it alone carries the traffic. */
    @Test
    @Order(3)
    void aRouterThatJoinsIsReloadedInAndTakesTraffic() throws Exception {
        int portC = SkepServerProcess.freePort();
        RoleProcess routerC = router("routerC", portC);
        await("the new router is written in").atMost(Duration.ofSeconds(20))
                .until(() -> Files.readString(config).contains(":" + portC + " check"));
        await("and HAProxy reloaded with it").atMost(Duration.ofSeconds(20))
                .until(() -> edge.output().lines().anyMatch(l -> l.contains("event=edge.reloaded")
                        && l.contains("-" + portC)));

        await("requests through the edge reach the new router").atMost(Duration.ofSeconds(30)).until(() -> {
            assertThat(answer(HOST, "/").status()).isEqualTo(200);
            return routerC.output().contains("\"app\":\"alice/hello\""); // its access log (on in tests)
        });

        routerB.close(); // a graceful stop: its registration goes with its session at once
        await("the stopped router is written out").atMost(Duration.ofSeconds(20))
                .until(() -> !Files.readString(config).contains(":" + portB + " check"));
        for (int i = 0; i < 20; i++) {
            Http.Answer a = answer(HOST, "/");
            assertThat(a.status()).as("request %d through the edge, router C the only one alive", i).isEqualTo(200);
            assertThat(a.body()).startsWith("hello from ");
        }
        assertThat(Http.hosted(portC, "skep-router.invalid", "/").body()).isEqualTo("ok\n");
        routerC.close();
    }

    private static RoleProcess router(String name, int port) throws Exception {
        RoleProcess r = RoleProcess.start(name, logs(), "event=router.listening", "router", "--zk", zk(), "--zk-secret",
                secret.toString(), "--zk-session-timeout", SESSION_S, "--bind", "127.0.0.1", "--port", String.valueOf(port), "--advertise", "127.0.0.1",
                "--trusted-proxies", "127.0.0.1", "--https-port", String.valueOf(SkepServerProcess.freePort()),
                "--tls-cert", cert.toString(), "--tls-key", key.toString());
        roles.add(r);
        return r;
    }

    /** `skep edge haproxy --out FILE` without --watch, in a JVM of its own as an operator runs it. */
    private static Process edgeOnce() throws Exception {
        List<String> command = new ArrayList<>(TestJvm.command("dev.skep.server.Main", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of("edge", "haproxy", "--zk", zk(), "--zk-secret", secret.toString(), "--bind", "127.0.0.1:" + edgePort,
                "--out", config.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** One GET through the edge with the given Host and extra header lines; a fresh connection. */
    private static Http.Answer answer(String host, String path, String... headers) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", edgePort)) {
            socket.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            socket.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int status = Math.abs(LoadLoop.readResponse(new BufferedInputStream(socket.getInputStream()), body));
            return new Http.Answer(status, body.toString(StandardCharsets.UTF_8));
        }
    }

    /** GET / for the app over TLS through the edge's --tls-bind (the test trusts any certificate). */
    private static Http.Answer tlsAnswer() throws Exception {
        try (Socket socket = trustAll().getSocketFactory().createSocket("127.0.0.1", edgeTlsPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int status = Math.abs(LoadLoop.readResponse(new BufferedInputStream(socket.getInputStream()), body));
            return new Http.Answer(status, body.toString(StandardCharsets.UTF_8));
        }
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    private static int ready(String token) throws Exception {
        int n = 0;
        for (JsonNode i : Http.get(api("/v1/apps/alice/hello"), token).json().get("instances")) {
            n += "ready".equals(i.get("state").asText()) ? 1 : 0;
        }
        return n;
    }

    private static String zk() {
        return zk.connectString();
    }

    /** Each run's logs (roles, haproxy) kept after the test, under target/e2e-logs. */
    static final Path LOGS = Path.of("target", "e2e-logs", "haproxy-edge-" + System.currentTimeMillis()).toAbsolutePath();

    private static Path logs() throws IOException {
        return Files.createDirectories(LOGS);
    }

    static URI api(String path) {
        return URI.create("http://127.0.0.1:" + apiPort + path);
    }
}
