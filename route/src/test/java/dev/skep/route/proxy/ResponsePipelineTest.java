package dev.skep.route.proxy;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.skep.route.proxy.FrontendPipelineTest.SHOP;
import static dev.skep.route.proxy.FrontendPipelineTest.SHOP_1;
import static dev.skep.route.proxy.FrontendPipelineTest.outbound;
import static dev.skep.route.proxy.FrontendPipelineTest.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The respond step through the whole proxy, client and backend pipelines on EmbeddedChannels: what a client sees
 * for the responses whose relaying is not a straight copy, on the raw (HTTP/1.1) and the object (HTTP/1.0,
 * upgrade) paths.
 */
class ResponsePipelineTest {

    private final EmbeddedProxy fixture = new EmbeddedProxy(SHOP, SHOP_1);
    private final ProxyContext proxy = fixture.proxy;
    private final List<EmbeddedChannel> backends = fixture.backends;

    private EmbeddedChannel client() {
        return fixture.client();
    }

    /** The backend connection the last request went to, its request read off. */
    private EmbeddedChannel backendGot(String requestStart) {
        EmbeddedChannel b = backends.get(backends.size() - 1);
        assertThat(outbound(b)).startsWith(requestStart);
        return b;
    }

    private void assertExchangeOver() {
        assertThat(proxy.exchanges().get()).isZero();
        assertThat(proxy.loads().outstanding(SHOP_1)).isZero();
    }

    @Test
    void aChunkedResponseGoesToAnHttp10ClientUnchunkedAndItsConnectionClosesAfter() {
        EmbeddedChannel c = client();
        send(c, "GET /a HTTP/1.0\r\nHost: shop.test\r\nConnection: keep-alive\r\n\r\n");
        EmbeddedChannel b = backendGot("GET /a HTTP/1.1\r\n");
        send(b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        c.runPendingTasks();
        String out = outbound(c);
        assertThat(out).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close\r\n")
                .doesNotContainIgnoringCase("transfer-encoding").endsWith("\r\n\r\nhello world");
        assertThat(c.isOpen()).isFalse();
        assertThat(proxy.traffic().snapshot().get(SHOP).status2xx()).isEqualTo(1);
        assertExchangeOver();
    }

    @Test
    void anHttp10ClientAskingForKeepAliveKeepsItWhenTheResponseHasALength() {
        EmbeddedChannel c = client();
        send(c, "GET /a HTTP/1.0\r\nHost: shop.test\r\nConnection: keep-alive\r\n\r\n");
        send(backendGot("GET /a HTTP/1.1\r\n"), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(outbound(c)).containsIgnoringCase("connection: keep-alive\r\n").endsWith("\r\n\r\nok");
        assertThat(c.isOpen()).isTrue();
        assertThat(proxy.pool(c.eventLoop(), false).idleCount(SHOP_1)).isEqualTo(1);
        assertExchangeOver();
    }

    @Test
    void aHeadResponseEndsAtItsHeadOnBothPathsAndTheConnectionsStayUsable() {
        EmbeddedChannel c = client();
        send(c, "HEAD /h HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        send(backendGot("HEAD /h HTTP/1.1\r\n"), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("content-length: 5\r\n")
                .endsWith("\r\n\r\n");
        assertThat(proxy.pool(c.eventLoop(), true).idleCount(SHOP_1)).isEqualTo(1);

        EmbeddedChannel c10 = client();
        send(c10, "HEAD /h HTTP/1.0\r\nHost: shop.test\r\nConnection: keep-alive\r\n\r\n");
        send(backendGot("HEAD /h HTTP/1.1\r\n"), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        String out = outbound(c10);
        assertThat(out).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n").doesNotContain("0\r\n\r\n");
        assertThat(proxy.traffic().snapshot().get(SHOP).status2xx()).isEqualTo(2);
        assertExchangeOver();
        send(c, "GET /next HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        assertThat(outbound(backends.get(0))).startsWith("GET /next HTTP/1.1\r\n"); // the pooled one again
    }

    @Test
    void anInformationalHeadGoesOnAndTheFinalOneEndsTheExchangeOnce() {
        EmbeddedChannel c = client();
        send(c, "POST /p HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
        EmbeddedChannel b = backendGot("POST /p HTTP/1.1\r\n");
        send(b, "HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 100 Continue\r\n").endsWith("\r\n\r\n");
        assertThat(proxy.exchanges().get()).isOne();
        send(c, "hi");
        assertThat(outbound(b)).isEqualTo("hi");
        send(b, "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
        assertThat(outbound(c)).startsWith("HTTP/1.1 201 Created\r\n").endsWith("\r\n\r\nok");
        assertThat(proxy.traffic().snapshot().get(SHOP).requests()).isEqualTo(1);

        EmbeddedChannel c10 = client();
        send(c10, "GET /e HTTP/1.0\r\nHost: shop.test\r\n\r\n");
        send(backendGot("GET /e HTTP/1.1\r\n"), "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        c10.runPendingTasks();
        String out = outbound(c10);
        assertThat(out).startsWith("HTTP/1.1 103 Early Hints\r\n").contains("\r\n\r\nHTTP/1.1 200 OK\r\n")
                .endsWith("\r\n\r\nok");
        assertThat(proxy.traffic().snapshot().get(SHOP).requests()).isEqualTo(2);
        assertExchangeOver();
    }

    @Test
    void a101TheClientAskedForSplicesBothWaysUntilTheBackendCloses() {
        EmbeddedChannel c = client();
        send(c, "GET /ws HTTP/1.1\r\nHost: shop.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        EmbeddedChannel b = backendGot("GET /ws HTTP/1.1\r\n");
        // with its accept key: without one Netty's client codec reads a Hixie-76 handshake, whose 101 has a body
        send(b, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\nfrom-app");
        String out = outbound(c);
        assertThat(out).startsWith("HTTP/1.1 101 Switching Protocols\r\n").containsIgnoringCase("upgrade: websocket")
                .endsWith("\r\n\r\nfrom-app");
        send(c, "GET not-http-any-more");
        assertThat(outbound(b)).isEqualTo("GET not-http-any-more");
        send(b, "more");
        assertThat(outbound(c)).isEqualTo("more");
        assertThat(proxy.exchanges().get()).isOne();

        b.close();
        c.runPendingTasks();
        assertThat(c.isOpen()).isFalse();
        assertThat(proxy.traffic().snapshot().get(SHOP).requests()).isEqualTo(1);
        assertExchangeOver();
    }

    @Test
    void a101NobodyAskedForIs502() {
        EmbeddedChannel c = client();
        send(c, "GET /x HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        send(backendGot("GET /x HTTP/1.1\r\n"), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n");
        assertThat(outbound(c)).startsWith("HTTP/1.1 502 ");
        assertThat(backends.get(0).isOpen()).isFalse();
        assertExchangeOver();
    }

    @Test
    void aResponseCutMidBodyClosesTheClientAfterWhatCameOnBothPaths() {
        EmbeddedChannel c = client();
        send(c, "GET /cut HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        EmbeddedChannel b = backendGot("GET /cut HTTP/1.1\r\n");
        send(b, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
        assertThat(outbound(c)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello");
        b.close();
        c.runPendingTasks();
        assertThat(outbound(c)).isEmpty();
        assertThat(c.isOpen()).isFalse();

        EmbeddedChannel c10 = client();
        send(c10, "GET /cut HTTP/1.0\r\nHost: shop.test\r\n\r\n");
        EmbeddedChannel b10 = backendGot("GET /cut HTTP/1.1\r\n");
        send(b10, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        assertThat(outbound(c10)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello");
        b10.close();
        c10.runPendingTasks();
        assertThat(c10.isOpen()).isFalse();
        assertThat(proxy.traffic().snapshot().get(SHOP).status2xx()).isEqualTo(2);
        assertExchangeOver();
    }

    @Test
    void aBodyThatEndsWithTheBackendsCloseGoesOnChunkedAndTheClientKeepsItsConnection() {
        EmbeddedChannel c = client();
        send(c, "GET /stream HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        EmbeddedChannel b = backendGot("GET /stream HTTP/1.1\r\n");
        send(b, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello");
        send(b, " world");
        b.close();
        c.runPendingTasks();
        assertThat(outbound(c)).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("transfer-encoding: chunked")
                .endsWith("\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(c.isOpen()).isTrue();
        assertThat(proxy.pool(c.eventLoop(), true).idleCount(SHOP_1)).isZero();
        assertExchangeOver();
    }
}
