package dev.skep.route.it;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import dev.skep.route.server.RouterServer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-app route settings on a real router: the body limit (413) and the HTTP to HTTPS redirect (308). */
class RouteSettingsTest extends RouterFixture {

    static final AppId SECURE = new AppId("carol", "secure");
    static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private NodeBackend node;

    @Override
    RouterConfig config() {
        return super.config().withHttps(0);
    }

    private RouteTable table() {
        return RouteTable.of(Map.of(
                "shop.test", new AppRoute(SHOP, of(node), MIB, false),
                "blog.test", new AppRoute(BLOG, of(node), 0, false),
                "secure.test", new AppRoute(SECURE, of(node), 0, true)));
    }

    @BeforeEach
    void setUp() throws Exception {
        node = backend("node-1");
        startRouter().update(table());
        Path key = dir.resolve("default.key");
        Path cert = dir.resolve("default.crt");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=default").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        router.setDefaultCertificate(Files.readString(cert), Files.readString(key));
    }

    private static String upload(String host, int bytes) {
        return "POST /upload HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + bytes + "\r\n\r\n";
    }

    @Test
    void anAppWithA1MibLimitRefuses2MibWhileAnotherAppTakesThem() {
        byte[] body = new byte[2 * MIB];
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.request(upload("shop.test", body.length));
            assertThat(r.status()).isEqualTo(413);
        }
        try (RawHttp c = new RawHttp(router.port())) {
            c.send(upload("blog.test", body.length));
            c.send(new String(body, StandardCharsets.ISO_8859_1));
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("\"bytes\":" + body.length);
        }
        try (RawHttp c = new RawHttp(router.port())) { // under its limit, the limited app takes a body too
            c.send(upload("shop.test", MIB / 2));
            c.send("x".repeat(MIB / 2));
            assertThat(c.read().text()).contains("\"bytes\":" + MIB / 2);
        }
    }

    @Test
    void aChunkedBodyOverTheAppsLimitIsRefusedToo() {
        try (RawHttp c = new RawHttp(router.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(64 * 1024);
            RawHttp.Response r = null;
            try {
                for (int i = 0; i < 32; i++) { // 2 MiB in 64 KiB chunks
                    c.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
                }
                c.send("0\r\n\r\n");
            } catch (UncheckedIOException closedEarly) {
                // the router may answer and close before the whole body is sent
            }
            r = c.read();
            assertThat(r.status()).isEqualTo(413);
        }
    }

    @Test
    void plainHttpToAnHttpsOnlyAppGets308ToTheSameUrlOnTheHttpsPort() {
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.get("secure.test:" + router.port(), "/a/b?x=1&y=%20");
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.header("location")).isEqualTo("https://secure.test:" + router.httpsPort() + "/a/b?x=1&y=%20");
            // the connection stays usable, and other apps are served over plain HTTP
            assertThat(c.get("blog.test", "/").status()).isEqualTo(200);
        }
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.request("GET http://secure.test/abs?q HTTP/1.1\r\nHost: secure.test\r\n\r\n");
            assertThat(r.header("location")).isEqualTo("https://secure.test:" + router.httpsPort() + "/abs?q");
        }
    }

    @Test
    void aRedirectedRequestWithABodyClosesTheConnection() {
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.request("POST /form HTTP/1.1\r\nHost: secure.test\r\nContent-Length: 5\r\n\r\n");
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void overHttpsTheHttpsOnlyAppIsServed() throws Exception {
        try (SSLSocket s = connectTls("secure.test", "http/1.1"); RawHttp c = new RawHttp(s)) {
            RawHttp.Response r = c.get("secure.test", "/headers");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("\"x-forwarded-proto\":\"https\"");
        }
    }

    @Test
    void aRouterWithoutHttpsServesAnHttpsOnlyAppAsUsual() {
        try (RouterServer plain = new RouterServer(super.config()).start()) {
            plain.update(table());
            try (RawHttp c = new RawHttp(plain.port())) {
                RawHttp.Response r = c.get("secure.test", "/");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("hello from node-1\n");
            }
        }
    }

}
