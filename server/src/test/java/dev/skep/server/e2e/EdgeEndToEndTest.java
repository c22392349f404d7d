package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sets on the edge through the product: custom domains (and, below, per-app router settings). */
class EdgeEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;
    static int httpsPort;

    @BeforeAll
    static void start() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=skep-default", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(openssl.waitFor()).as("openssl makes a self-signed certificate").isZero();
        httpsPort = SkepServerProcess.freePort();
        server = new SkepServerProcess(dir.resolve("data"), List.of("--drain-timeout", "1", "--https-port",
                String.valueOf(httpsPort), "--tls-cert", cert.toString(), "--tls-key", key.toString()), Map.of()).start();
        token = server.token();
        for (String app : List.of("alice/shop", "bob/blog")) {
            Http.Answer deployed = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token,
                    "application/gzip", Fixtures.tarball("hello"));
            assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void aCustomDomainIsLiveInTheRouterWithinASecondAndGoneWithinASecondOfItsRemoval() throws Exception {
        assertThat(Http.hosted(server.routerPort, "shop.example.com", "/").status()).isEqualTo(404);

        long added = System.nanoTime();
        Http.Answer add = post("alice/shop", "Shop.Example.COM");
        assertThat(add.status()).as(add.body()).isEqualTo(201);
        assertThat(add.json().get("domains").toString()).contains("\"shop.example.com\"").doesNotContain("COM");
        assertThat(add.json().get("defaultHost").asText()).isEqualTo("shop.alice.localhost");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> Http.hosted(server.routerPort, "shop.example.com", "/").status() == 200);
        long liveMs = (System.nanoTime() - added) / 1_000_000;
        assertThat(Http.hosted(server.routerPort, "shop.example.com", "/").body()).startsWith("hello from alice.shop.");
        assertThat(liveMs).isLessThan(1000);

        Http.Answer list = Http.get(server.api("/v1/apps/alice/shop/domains"), token);
        assertThat(list.json().get("domains").toString()).contains("\"shop.example.com\"");

        assertThat(Http.send("DELETE", server.api("/v1/apps/alice/shop/domains/shop.example.com"), token, null, null)
                .status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> Http.hosted(server.routerPort, "shop.example.com", "/").status() == 404);
        assertThat(Http.send("DELETE", server.api("/v1/apps/alice/shop/domains/shop.example.com"), token, null, null)
                .status()).isEqualTo(404);
    }

    @Test
    void aWildcardDomainTakesEveryNameUnderIt() throws Exception {
        assertThat(post("bob/blog", "*.blog.example.net").status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> Http.hosted(server.routerPort, "anything.blog.example.net", "/").status() == 200);
        assertThat(Http.hosted(server.routerPort, "deep.er.blog.example.net", "/").body()).startsWith("hello from bob.blog.");
        assertThat(Http.send("DELETE", server.api("/v1/apps/bob/blog/domains/*.blog.example.net"), token, null, null)
                .status()).isEqualTo(200);
    }

    @Test
    void aDomainAnotherAppHasIsRefusedWith409AndBadNamesWith400() throws Exception {
        assertThat(post("alice/shop", "taken.example.com").status()).isEqualTo(201);
        Http.Answer clash = post("bob/blog", "taken.example.com");
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.json().get("error").asText()).contains("taken.example.com", "alice/shop");

        Http.Answer reserved = post("bob/blog", "shop.alice.localhost");
        assertThat(reserved.status()).isEqualTo(409);
        assertThat(reserved.json().get("error").asText()).contains("reserved");

        assertThat(post("bob/blog", "not a domain!").status()).isEqualTo(400);
        assertThat(post("bob/blog", "").status()).isEqualTo(400);
        JsonNode blog = Http.get(server.api("/v1/apps/bob/blog/domains"), token).json();
        assertThat(blog.get("domains").toString()).doesNotContain("taken");
    }

    static Http.Answer post(String app, String domain) throws Exception {
        return Http.send("POST", server.api("/v1/apps/" + app + "/domains"), token, "application/json",
                Http.JSON.writeValueAsBytes(Map.of("domain", domain)));
    }

    @Test
    void theHttpsListenerServesAppsWithTheDefaultCertificate() throws Exception {
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                .createSocket("127.0.0.1", httpsPort)) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            String subject = ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
            assertThat(subject).isEqualTo("CN=skep-default");
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.alice.localhost\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            int status = Math.abs(LoadLoop.readResponse(new java.io.BufferedInputStream(socket.getInputStream()), body));
            assertThat(status).isEqualTo(200);
            assertThat(body.toString(java.nio.charset.StandardCharsets.UTF_8)).startsWith("hello from alice.shop.");
        }
    }
}
