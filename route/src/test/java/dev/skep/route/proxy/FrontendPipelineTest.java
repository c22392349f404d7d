package dev.skep.route.proxy;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The client pipeline and the proxy handlers on EmbeddedChannels: no sockets, no event loop threads. */
class FrontendPipelineTest {

    static final AppId SHOP = new AppId("alice", "shop");
    static final Backend SHOP_1 = new Backend("shop-1", "10.0.0.5", 5001);

    /** An embedded client connection that looks like it came from 203.0.113.7:50000 to port 8080. */
    static final class ClientChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("203.0.113.7", 50000);
        }

        @Override
        protected SocketAddress localAddress0() {
            return new InetSocketAddress("127.0.0.1", 8080);
        }
    }

    private ProxyContext proxy;
    private EmbeddedChannel backend;

    @BeforeEach
    void setUp() {
        RouterConfig config = RouterConfig.defaults().withLimits(2048, 512, 1000, 100);
        proxy = new ProxyContext(config, new BackendLoads(Duration.ofSeconds(5), System::nanoTime), null);
        proxy.dialer((b, loop, raw) -> {
            backend = new EmbeddedChannel(new BackendInitializer(proxy, b, raw));
            return backend.newSucceededFuture();
        });
        proxy.update(RouteTable.of(Map.of("shop.test", new AppRoute(SHOP, List.of(SHOP_1)))));
    }

    private EmbeddedChannel client() {
        ClientChannel ch = new ClientChannel();
        FrontendInitializer.addHttpHandlers(ch.pipeline(), proxy, false);
        ch.pipeline().fireChannelActive();
        return ch;
    }

    /** What a channel wrote, as text; shared by the proxy's pipeline tests. */
    static String outbound(EmbeddedChannel ch) {
        StringBuilder b = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) o;
            b.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return b.toString();
    }

    static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theHealthHostAnswersOkOnceATableIsInAnd503BeforeAndWhileDraining() {
        // an app that claims the name still never gets the edge's checks
        proxy.update(RouteTable.of(Map.of("shop.test", new AppRoute(SHOP, List.of(SHOP_1)),
                RouterHealth.HOST, new AppRoute(SHOP, List.of(SHOP_1)))));
        EmbeddedChannel c = client();
        send(c, "GET / HTTP/1.1\r\nHost: SKEP-router.invalid:8080\r\n\r\n");
        String ok = outbound(c);
        assertThat(ok).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok\n");
        assertThat(backend).as("no app was dialled").isNull();

        proxy.startDraining();
        send(c, "GET / HTTP/1.1\r\nHost: skep-router.invalid\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 503 ").endsWith("draining\n");

        RouterConfig config = RouterConfig.defaults().withLimits(2048, 512, 1000, 100);
        proxy = new ProxyContext(config, new BackendLoads(Duration.ofSeconds(5), System::nanoTime), null);
        EmbeddedChannel fresh = client();
        send(fresh, "GET / HTTP/1.1\r\nHost: skep-router.invalid\r\n\r\n");
        assertThat(outbound(fresh)).startsWith("HTTP/1.1 503 ").endsWith("starting\n");
    }

    @Test
    void headersOverTheLimitGet431AndTheConnectionCloses() {
        EmbeddedChannel c = client();
        send(c, "GET / HTTP/1.1\r\nHost: shop.test\r\nX-Big: " + "a".repeat(3000) + "\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 431 Request Header Fields Too Large").contains("connection: close");
        assertThat(c.isOpen()).isFalse();
        assertThat(backend).isNull();
    }

    @Test
    void aRequestLineOverTheLimitGets414() {
        EmbeddedChannel c = client();
        send(c, "GET /" + "u".repeat(700) + " HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 414 ");
    }

    @Test
    void aDeclaredBodyOverTheLimitGets413BeforeAnyBackendIsDialled() {
        EmbeddedChannel c = client();
        send(c, "POST / HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 1001\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 413 ");
        assertThat(backend).isNull();
    }

    @Test
    void forwardingHeadersFromTheClientAreReplacedWithWhatTheRouterSaw() {
        EmbeddedChannel c = client();
        send(c, "GET /x?y=1 HTTP/1.1\r\nHost: shop.test:8080\r\nX-Forwarded-For: 6.6.6.6\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.test\r\nForwarded: for=6.6.6.6\r\n"
                + "X-Real-IP: 6.6.6.6\r\nConnection: keep-alive, X-Secret\r\nX-Secret: hop\r\nKeep-Alive: 5\r\n"
                + "X-Request-Id: abc-123\r\n\r\n");
        String sent = outbound(backend).toLowerCase();
        assertThat(sent).startsWith("get /x?y=1 http/1.1\r\n")
                .contains("host: shop.test:8080\r\n")
                .contains("x-forwarded-for: 203.0.113.7\r\n")
                .contains("x-forwarded-proto: http\r\n")
                .contains("x-forwarded-host: shop.test:8080\r\n")
                .contains("x-forwarded-port: 8080\r\n")
                .contains("forwarded: for=203.0.113.7;host=shop.test:8080;proto=http\r\n")
                .contains("x-request-id: abc-123\r\n")
                .doesNotContain("6.6.6.6").doesNotContain("evil.test").doesNotContain("x-real-ip")
                .doesNotContain("x-secret").doesNotContain("keep-alive");
        send(backend, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nok");
        String response = outbound(c);
        assertThat(response).startsWith("HTTP/1.1 200 OK").contains("x-request-id: abc-123").endsWith("\r\n\r\nok")
                .doesNotContainIgnoringCase("keep-alive");
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void aRequestWithoutIdGetsOneOnBothSides() {
        EmbeddedChannel c = client();
        send(c, "GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        String sent = outbound(backend);
        String id = sent.replaceAll("(?s).*x-request-id: ([0-9a-f]{32})\r\n.*", "$1");
        assertThat(id).hasSize(32);
        send(backend, "HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(outbound(c)).contains("x-request-id: " + id);
    }

    @Test
    void theBackendConnectionReturnsToThePoolAfterAResponse() {
        EmbeddedChannel c = client();
        send(c, "GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        outbound(backend);
        send(backend, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(proxy.pool(c.eventLoop(), true).idleCount(SHOP_1)).isEqualTo(1); // an HTTP/1.1 client: raw
        assertThat(proxy.loads().outstanding(SHOP_1)).isZero();
        assertThat(proxy.traffic().snapshot().get(SHOP).status2xx()).isEqualTo(1);
    }

    @Test
    void anUnknownHostIs404AndTheConnectionStaysUsable() {
        EmbeddedChannel c = client();
        send(c, "GET / HTTP/1.1\r\nHost: other.test\r\nAccept: application/json\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 404 Not Found").contains("application/json");
        assertThat(c.isOpen()).isTrue();
        send(c, "GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        assertThat(outbound(backend)).startsWith("GET / HTTP/1.1");
    }

    // ---- RFC 9112 strictness: refused with 400 and a close, never forwarded ----

    @Test
    void twoHostHeadersAre400AndTheConnectionCloses() {
        EmbeddedChannel c = client();
        send(c, "GET / HTTP/1.1\r\nHost: shop.test\r\nHost: other.test\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 400 ").contains("connection: close");
        assertThat(c.isOpen()).isFalse();
        assertThat(backend).isNull();
    }

    @Test
    void twoEqualHostHeadersAreRefusedToo() {
        EmbeddedChannel c = client();
        send(c, "GET / HTTP/1.1\r\nHost: shop.test\r\nHost: shop.test\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 400 ");
        assertThat(backend).isNull();
    }

    @Test
    void aMissingHostIs400AndCloses() {
        EmbeddedChannel c = client();
        send(c, "GET / HTTP/1.1\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 400 ");
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void anAbsoluteTargetNamingAnotherHostIs400() {
        EmbeddedChannel c = client();
        send(c, "GET http://other.test/admin HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 400 ").contains("connection: close");
        assertThat(c.isOpen()).isFalse();
        assertThat(backend).isNull();
    }

    @Test
    void anAbsoluteTargetOnAnotherPortIs400() {
        EmbeddedChannel c = client();
        send(c, "GET http://shop.test:9000/ HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 400 ");
        assertThat(backend).isNull();
    }

    @Test
    void anAbsoluteTargetWithUserinfoIs400() {
        EmbeddedChannel c = client();
        send(c, "GET http://shop.test@other.test/ HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 400 ");
        assertThat(backend).isNull();
    }

    @Test
    void anAbsoluteTargetNamingTheSameHostIsForwarded() {
        EmbeddedChannel c = client();
        send(c, "GET HTTP://Shop.Test:80/x HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        assertThat(outbound(backend)).startsWith("GET HTTP://Shop.Test:80/x HTTP/1.1");
    }

    @Test
    void anAbsoluteTargetAloneNamesTheHost() {
        EmbeddedChannel c = client();
        send(c, "GET http://shop.test/x HTTP/1.0\r\n\r\n");
        assertThat(outbound(backend)).startsWith("GET http://shop.test/x HTTP/1.1");
    }

    @Test
    void anOverflowingChunkSizeIs400AndNothingReachesTheBackend() {
        EmbeddedChannel c = client();
        send(c, "POST / HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1ffffffffffffffff1\r\nabc\r\n0\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 400 ").contains("connection: close");
        assertThat(outbound(backend)).isEmpty();
        assertThat(backend.isOpen()).isFalse();
        assertThat(c.isOpen()).isFalse();
        assertThat(proxy.loads().outstanding(SHOP_1)).isZero();
    }

    @Test
    void aBadChunkAfterTheHeadWasSentClosesTheBackendWithoutEndingTheBody() {
        EmbeddedChannel c = client();
        send(c, "POST / HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
        String sent = outbound(backend);
        assertThat(sent).startsWith("POST / HTTP/1.1").endsWith("3\r\nabc\r\n");
        send(c, "fffffffffffffffffffffffff\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 400 ");
        assertThat(outbound(backend)).doesNotContain("0\r\n\r\n");
        assertThat(backend.isOpen()).isFalse();
        assertThat(proxy.pool(c.eventLoop(), true).idleCount(SHOP_1)).isZero();
    }

    @Test
    void aChunkSizeThatIsNotHexIs400() {
        EmbeddedChannel c = client();
        send(c, "POST / HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n0\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 400 ");
        assertThat(outbound(backend)).isEmpty();
    }
}
