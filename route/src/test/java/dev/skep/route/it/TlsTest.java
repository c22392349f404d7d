package dev.skep.route.it;

import dev.skep.route.AppRoute;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTPS listener: certificates by SNI (made with the openssl command), ALPN h2 and HTTP/1.1. */
class TlsTest extends RouterFixture {

    @TempDir
    Path dir;

    static final int IDLE_SECONDS = 3;

    private NodeBackend shop;

    @Override
    RouterConfig config() {
        return super.config().withHttps(0).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(IDLE_SECONDS), Duration.ofSeconds(2));
    }

    record Pem(String cert, String key) {
    }

    private Pem selfSigned(String cn) throws Exception {
        return selfSigned(cn, "DNS:" + cn);
    }

    private Pem selfSigned(String cn, String san) throws Exception {
        Path key = dir.resolve(cn.replace('*', '_') + ".key");
        Path cert = dir.resolve(cn.replace('*', '_') + ".crt");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=" + cn, "-addext", "subjectAltName=" + san)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return new Pem(Files.readString(cert), Files.readString(key));
    }

    private static String subject(SSLSocket s) throws Exception {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    @BeforeEach
    void setUp() throws Exception {
        shop = backend("shop-1");
        startRouter().update(RouteTable.of(Map.of("shop.test", new AppRoute(SHOP, of(shop)),
                "www.blog.test", new AppRoute(BLOG, of(shop)), "localhost", new AppRoute(SHOP, of(shop)))));
        Pem fallback = selfSigned("localhost", "DNS:localhost,IP:127.0.0.1");
        router.setDefaultCertificate(fallback.cert(), fallback.key());
        Pem shopCert = selfSigned("shop.test");
        router.addCertificate("shop.test", shopCert.cert(), shopCert.key());
        Pem blogCert = selfSigned("*.blog.test");
        router.addCertificate("*.blog.test", blogCert.cert(), blogCert.key());
    }

    @Test
    void theCertificateIsChosenBySniName() throws Exception {
        try (SSLSocket s = connectTls("shop.test", "http/1.1")) {
            assertThat(subject(s)).isEqualTo("CN=shop.test");
        }
        try (SSLSocket s = connectTls("www.blog.test", "http/1.1")) {
            assertThat(subject(s)).isEqualTo("CN=*.blog.test");
        }
        try (SSLSocket s = connectTls("unknown.test", "http/1.1")) {
            assertThat(subject(s)).isEqualTo("CN=localhost");
        }
    }

    @Test
    void http11OverTlsIsProxiedWithHttpsForwardingHeaders() throws Exception {
        try (SSLSocket s = connectTls("shop.test", "http/1.1"); RawHttp c = new RawHttp(s)) {
            assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
            String headers = c.get("shop.test", "/headers").text();
            assertThat(headers).contains("\"x-forwarded-proto\":\"https\"")
                    .contains("\"x-forwarded-port\":\"" + router.httpsPort() + "\"");
            assertThat(c.get("shop.test", "/").text()).isEqualTo("hello from shop-1\n");
        }
    }

    @Test
    void aRefusedBodyOverTlsStillLetsTheClientReadThe413() throws Exception {
        byte[] body = new byte[32 << 20];
        try (SSLSocket s = connectTls("shop.test", "http/1.1")) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: shop.test\r\nContent-Length: " + (1L << 40)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body); // read and dropped by the router after its answer
            s.getOutputStream().flush();
            byte[] answer = s.getInputStream().readAllBytes(); // to the router's close_notify
            assertThat(new String(answer, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 413 ");
        }
    }

    @Test
    void http2ClientsGetH2ByAlpn() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().sslContext(trustAll()).version(HttpClient.Version.HTTP_2).build();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + router.httpsPort() + "/headers")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"x-forwarded-proto\":\"https\"").doesNotContain("x-http2");
        }
        HttpResponse<String> post = h2.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + router.httpsPort() + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.body()).contains("\"bytes\":100000");
        HttpResponse<String> missing = h2.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + router.httpsPort() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void anExactNameWinsOverAnOverlappingWildcardOfAnotherApp() throws Exception {
        Pem wildcard = selfSigned("*.alice.test"); // app A
        Pem shop = selfSigned("shop.alice.test"); // app B, inside A's wildcard
        router.addCertificate("*.alice.test", wildcard.cert(), wildcard.key());
        router.addCertificate("shop.alice.test", shop.cert(), shop.key());
        for (String name : new String[]{"shop.alice.test", "SHOP.Alice.Test"}) {
            try (SSLSocket s = connectTls(name, "http/1.1")) {
                assertThat(subject(s)).isEqualTo("CN=shop.alice.test");
            }
        }
        for (String name : new String[]{"www.alice.test", "shop2.alice.test", "x.shop.alice.test"}) {
            try (SSLSocket s = connectTls(name, "http/1.1")) {
                assertThat(subject(s)).isEqualTo("CN=*.alice.test");
            }
        }
        router.addCertificate("*.alice.test", wildcard.cert(), wildcard.key()); // order of adding does not matter
        try (SSLSocket s = connectTls("shop.alice.test", "http/1.1")) {
            assertThat(subject(s)).isEqualTo("CN=shop.alice.test");
        }
    }

    @Test
    void aSilentHttpsConnectionIsClosedAtTheHeaderDeadline() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", router.httpsPort()), 5000);
            s.setSoTimeout(10_000);
            long start = System.nanoTime();
            int first;
            try {
                first = s.getInputStream().read();
            } catch (IOException e) {
                first = -1;
            }
            assertThat(first).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aSilentH2ConnectionIsClosedAtTheIdleTimeout() throws Exception {
        try (SSLSocket s = connectTls("shop.test", "h2")) {
            assertThat(s.getApplicationProtocol()).isEqualTo("h2");
            s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(new byte[]{0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            s.getOutputStream().flush();
            s.setSoTimeout(IDLE_SECONDS * 1000 + 5000);
            long start = System.nanoTime();
            try {
                s.getInputStream().readAllBytes(); // the router's SETTINGS and ack, then its close
            } catch (IOException e) {
                // a reset is a close too
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(IDLE_SECONDS * 1000L - 500),
                    Duration.ofMillis(IDLE_SECONDS * 1000L + 3000));
        }
    }
}
