package dev.skep.route.it;

import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorStatusTest extends RouterFixture {

    @Override
    RouterConfig config() {
        return super.config().withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(30),
                Duration.ofMillis(500)).withLimits(4096, 1024, 1000, 100);
    }

    @Test
    void unknownHostIs404AndTheConnectionStaysOpen() {
        startRouter().update(table("shop.test", SHOP, List.of())); // a table is in: before one, every host is 503
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.get("nobody.test", "/");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("content-type")).startsWith("text/html");
            assertThat(r.text()).contains("No app is served at this address").doesNotContain("127.0.0.1");
            RawHttp.Response json = c.request("GET / HTTP/1.1\r\nHost: nobody.test\r\nAccept: application/json\r\n\r\n");
            assertThat(json.status()).isEqualTo(404);
            assertThat(json.text()).startsWith("{\"status\":404");
        }
    }

    @Test
    void appWithoutReadyInstanceIs503WithRetryAfter() {
        startRouter().update(table("shop.test", SHOP, List.of()));
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.get("shop.test", "/");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("retry-after")).isEqualTo("1");
            assertThat(r.text()).contains("Try again in a moment");
        }
    }

    @Test
    void aStoppedAppIs503SayingItIsStopped() {
        startRouter().update(RouteTable.of(Map.of("shop.test",
                new AppRoute(SHOP, List.of(), List.of(), 0, false, false, null))));
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.get("shop.test", "/");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.text()).contains("The app is stopped").doesNotContain("Try again");
            assertThat(r.header("retry-after")).isNull();
        }
    }

    @Test
    void backendThatRefusesIs502() {
        Backend dead = new Backend("dead", "127.0.0.1", NodeBackend.freePort());
        startRouter().update(table("shop.test", SHOP, List.of(dead)));
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.get("shop.test", "/");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.text()).doesNotContain("dead").doesNotContain("127.0.0.1");
        }
    }

    @Test
    void slowBackendIs504() {
        NodeBackend shop = backend("shop-1");
        startRouter().update(table("shop.test", SHOP, of(shop)));
        try (RawHttp c = new RawHttp(router.port())) {
            assertThat(c.get("shop.test", "/slow?ms=3000").status()).isEqualTo(504);
        }
    }

    @Test
    void oversizedBodyIs413() {
        NodeBackend shop = backend("shop-1");
        startRouter().update(table("shop.test", SHOP, of(shop)));
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.request("POST /upload HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 5000\r\n\r\n");
            assertThat(r.status()).isEqualTo(413);
        }
        try (RawHttp c = new RawHttp(router.port())) { // chunked: counted while streaming
            String chunk = "x".repeat(600);
            c.send("POST /upload HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "258\r\n" + chunk + "\r\n" + "258\r\n" + chunk + "\r\n0\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(413);
        }
    }

    @Test
    void aClientStillSendingTheRefusedBodyReadsThe413InsteadOfAReset() throws Exception {
        NodeBackend shop = backend("shop-1");
        startRouter().update(table("shop.test", SHOP, of(shop)));
        byte[] body = new byte[32 << 20]; // more than the kernel buffers hold: the write outlasts the answer
        try (Socket s = new Socket("127.0.0.1", router.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: shop.test\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body); // without a lingering close this write fails with a connection reset
            out.flush();
            byte[] answer = s.getInputStream().readAllBytes(); // to EOF: the router shut its side after answering
            assertThat(new String(answer, StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 413 ").contains("connection: close");
        }
    }

    @Test
    void longUrlIs414AndLargeHeadersAre431() {
        startRouter();
        try (RawHttp c = new RawHttp(router.port())) {
            assertThat(c.get("shop.test", "/" + "a".repeat(2000)).status()).isEqualTo(414);
        }
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.request("GET / HTTP/1.1\r\nHost: shop.test\r\nX-Big: " + "b".repeat(5000) + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(431);
        }
    }

    @Test
    void slowClientHitsTheHeaderTimeout() throws Exception {
        startRouter();
        try (RawHttp c = new RawHttp(router.port())) {
            c.send("GET / HTTP/1.1\r\nHost: sh");
            long start = System.nanoTime();
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawHttp c = new RawHttp(router.port())) { // silent connection: closed without a response
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
