package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.client.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over HTTPS with a certificate from a private CA, and the CLI that verifies it with --ca-file. */
class ApiTlsEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static Path ca;

    @BeforeAll
    static void start() throws Exception {
        ca = dir.resolve("ca.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve("ca.key").toString(), "-out", ca.toString(), "-days", "2", "-subj", "/CN=skep test CA");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve("api.key").toString(), "-out", dir.resolve("api.csr").toString(), "-subj", "/CN=localhost");
        Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("x509", "-req", "-in", dir.resolve("api.csr").toString(), "-CA", ca.toString(),
                "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2",
                "-extfile", dir.resolve("ext.cnf").toString(), "-out", dir.resolve("api.pem").toString());
        server = new SkepServerProcess(dir.resolve("data"), List.of("--api-tls-cert", dir.resolve("api.pem").toString(),
                "--api-tls-key", dir.resolve("api.key").toString()), Map.of()).withTls(Tls.trusting(ca)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void theCliTalksHttpsAndVerifiesTheCertificateWithItsCaFile() throws Exception {
        String url = "https://127.0.0.1:" + server.apiPort;
        Map<String, String> env = new HashMap<>(Map.of("SKEP_SERVER", url, "SKEP_TOKEN", server.token()));
        assertThat(cli(env, 0, "version", "--ca-file", ca.toString())).contains("skep");

        env.put("SKEP_CA_FILE", ca.toString());
        String deployed = cli(env, 0, "deploy", Fixtures.app("hello").toString(), "--app", "alice/tls");
        assertThat(deployed).contains("alice/tls");
        assertThat(cli(env, 0, "ps")).contains("alice/tls");
        assertThat(cli(env, 0, "tokens", "ls")).contains("admin");

        // without the CA the certificate is not trusted, and the CLI says so instead of sending the token
        env.remove("SKEP_CA_FILE");
        String refused = cli(env, 3, "ps");
        assertThat(refused).containsIgnoringCase("certificate");
        assertThat(server.output()).contains("api=https://");
    }

    @Test
    void gitPushesOverTheSameTlsAndRefusesAnUntrustedCertificate() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("pushed"));
        GitCli git = new GitCli(dir.resolve("git-home"));
        for (String file : List.of("server.js", "package.json")) {
            Files.copy(Fixtures.app("hello").resolve(file), repo.resolve(file));
        }
        assertThat(git.run(repo, "init", "-q").exit()).isZero();
        assertThat(git.run(repo, "add", "-A").exit()).isZero();
        assertThat(git.run(repo, "commit", "-q", "-m", "hello").exit()).isZero();
        String url = "https://admin:" + server.token() + "@127.0.0.1:" + server.apiPort + "/git/alice/tlspush.git";

        GitCli.Run untrusted = git.run(repo, "push", url, "main");
        assertThat(untrusted.exit()).isNotZero();
        assertThat(untrusted.out()).containsIgnoringCase("certificate");

        GitCli.Run pushed = git.run(repo, "-c", "http.sslCAInfo=" + ca, "push", url, "main");
        assertThat(pushed.exit()).as(pushed.out()).isZero();
        assertThat(pushed.out()).contains("remote: -----> released v1 of alice/tlspush");
        assertThat(Http.hosted(server.routerPort, "tlspush.alice.localhost", "/").body()).startsWith("hello from");
    }

    @Test
    void theDashboardIsServedOverTheSameTlsAndItsSessionCookieIsSecure() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(Tls.trusting(ca)).build();
        HttpResponse<String> page = https.send(HttpRequest.newBuilder(server.api("/")).header("Accept", "text/html")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/dashboard/app.js");

        HttpResponse<String> link = https.send(HttpRequest.newBuilder(server.api("/v1/dashboard/links"))
                .header("Authorization", "Bearer " + server.token()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(link.statusCode()).as(link.body()).isEqualTo(201);
        String code = Http.JSON.readTree(link.body()).get("code").asText();
        HttpResponse<String> session = https.send(HttpRequest.newBuilder(server.api("/v1/dashboard/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\": \"" + code + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        assertThat(session.headers().firstValue("Set-Cookie").orElseThrow())
                .startsWith("skep_session=").contains("; HttpOnly", "; SameSite=Strict", "; Secure");
    }

    @Test
    void plainHttpOnTheApiPortGetsNoApiAnswer() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort
                + "/v1/apps")).timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + server.token()).build(),
                HttpResponse.BodyHandlers.ofString()))
                .satisfiesAnyOf(e -> assertThat(e).isInstanceOf(IOException.class),
                        e -> assertThat(e).isInstanceOf(HttpTimeoutException.class));
    }

    @Test
    void aServerOnAPublicAddressWithoutTlsWarns() throws Exception {
        assertThat(server.output()).doesNotContain("without TLS");
        try (SkepServerProcess open = new SkepServerProcess(dir.resolve("open"), List.of("--bind", "0.0.0.0"), Map.of())) {
            open.start();
            assertThat(open.output()).contains("WARNING: the API listens on 0.0.0.0 without TLS",
                    "event=api.plaintext bind=0.0.0.0");
        }
    }

    private static String cli(Map<String, String> env, int exit, String... args) {
        return CliRun.of(env, dir, args).expect(exit).all();
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
