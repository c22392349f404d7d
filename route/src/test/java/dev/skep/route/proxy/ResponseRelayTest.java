package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The respond step alone: each relay fed what a backend pipeline hands on (Netty's HTTP objects, or what a
 * {@link ResponseReader} on an EmbeddedChannel read), with the exchange and the client replaced by a recorder.
 */
class ResponseRelayTest {

    /** Stands in for the exchange and the client connection: records what the relay tells and writes. */
    static final class Recorder implements ResponseSink, ClientOut {
        final List<String> events = new ArrayList<>();
        final List<Object> objects = new ArrayList<>();
        final List<String> raw = new ArrayList<>();
        /** What {@link #closesClient} answers. */
        boolean closes;
        String stickyKey;

        @Override
        public void responseStarted() {
            events.add("started");
        }

        @Override
        public boolean closesClient() {
            events.add("closes?");
            return closes;
        }

        @Override
        public void closeClient() {
            events.add("close");
        }

        @Override
        public String newStickyKey() {
            return stickyKey;
        }

        @Override
        public void finish() {
            events.add("finish");
        }

        @Override
        public void splice() {
            events.add("splice");
        }

        @Override
        public void badResponse(String reason) {
            events.add("bad:" + reason);
        }

        @Override
        public void write(Object msg) {
            objects.add(msg);
        }

        @Override
        public void writeRaw(ByteBuf bytes) {
            raw.add(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
        }
    }

    private final Recorder rec = new Recorder();

    private ObjectResponseRelay objects(HttpVersion version, HttpMethod method, boolean upgrade) {
        HttpRequest req = new DefaultHttpRequest(version, method, "/");
        return new ObjectResponseRelay(rec, rec, req, upgrade, "rid-1", false);
    }

    /** A relay that was handed {@code h} and the empty end a body-less head comes with. */
    private ObjectResponseRelay relayedAlone(HttpResponse h, boolean upgradeRequested) {
        ObjectResponseRelay relay = objects(HttpVersion.HTTP_1_1, HttpMethod.GET, upgradeRequested);
        relay.relay(h);
        relay.relay(LastHttpContent.EMPTY_LAST_CONTENT);
        return relay;
    }

    private static HttpResponse head(int status, String... headers) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    private static DefaultHttpContent content(String s) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
    }

    private static LastHttpContent last(String s) {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
    }

    // ---- Netty's HTTP objects ----

    @Test
    void aChunkedResponseIsReframedForAnHttp10ClientWhoseConnectionThenCloses() {
        ObjectResponseRelay relay = objects(HttpVersion.HTTP_1_0, HttpMethod.GET, false);
        HttpResponse h = head(200, "Transfer-Encoding", "chunked", "Connection", "keep-alive");
        relay.relay(h);
        relay.relay(content("hello"));
        relay.relay(last(" world"));

        assertThat(HttpUtil.isTransferEncodingChunked(h)).isFalse();
        assertThat(h.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        assertThat(h.headers().get("x-request-id")).isEqualTo("rid-1");
        assertThat(rec.objects).hasSize(3).first().isSameAs(h);
        assertThat(rec.events).containsExactly("started", "closes?", "close", "finish");
        assertThat(relay.status()).isEqualTo(200);
        assertThat(relay.backendKeepAlive()).isTrue();
        assertThat(relay.bytes()).isEqualTo(11);
        rec.objects.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aResponseWithoutLengthIsChunkedForAnHttp11ClientButNotForAHeadRequest() {
        HttpResponse get = head(200);
        objects(HttpVersion.HTTP_1_1, HttpMethod.GET, false).relay(get);
        assertThat(HttpUtil.isTransferEncodingChunked(get)).isTrue();

        ObjectResponseRelay relay = objects(HttpVersion.HTTP_1_1, HttpMethod.HEAD, false);
        HttpResponse forHead = head(200);
        relay.relay(forHead);
        relay.relay(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(HttpUtil.isTransferEncodingChunked(forHead)).isFalse();
        assertThat(forHead.headers().contains(HttpHeaderNames.CONNECTION)).isFalse();
        assertThat(rec.events).endsWith("finish");
        assertThat(relay.bytes()).isZero();
    }

    @Test
    void anInformationalHeadGoesOnAndOnlyTheFinalResponsesEndFinishes() {
        HttpResponse early = head(103, "Link", "</s.css>", "Connection", "x-hop");
        ObjectResponseRelay relay = relayedAlone(early, false);
        assertThat(rec.events).containsExactly("started");
        assertThat(relay.status()).isZero();
        assertThat(early.headers().get("link")).isEqualTo("</s.css>");
        assertThat(early.headers().contains(HttpHeaderNames.CONNECTION)).isFalse();

        relay.relay(head(200, "Content-Length", "2"));
        relay.relay(last("ok"));
        assertThat(rec.events).containsExactly("started", "started", "closes?", "finish");
        assertThat(relay.status()).isEqualTo(200);
        assertThat(rec.objects).hasSize(4);
        rec.objects.forEach(ReferenceCountUtil::release);
    }

    @Test
    void a101TheClientAskedForKeepsItsUpgradeHeadersGetsTheStickyCookieAndEndsInASplice() {
        rec.stickyKey = "k1";
        HttpResponse switching = head(101, "Connection", "Upgrade", "Upgrade", "websocket");
        ObjectResponseRelay relay = relayedAlone(switching, true);

        assertThat(switching.headers().get(HttpHeaderNames.UPGRADE)).isEqualTo("websocket");
        assertThat(switching.headers().get(HttpHeaderNames.CONNECTION)).isEqualToIgnoringCase("upgrade");
        assertThat(switching.headers().get(HttpHeaderNames.SET_COOKIE)).startsWith(StickyCookie.NAME + "=k1");
        assertThat(rec.events).containsExactly("started", "splice");
        assertThat(rec.objects).containsExactly(switching); // the empty end is not written on
        assertThat(relay.status()).isEqualTo(101);
    }

    @Test
    void a101NobodyAskedForIsPassedOnAsInformational() {
        HttpResponse h = head(101, "Connection", "Upgrade", "Upgrade", "websocket");
        relayedAlone(h, false);
        assertThat(h.headers().contains(HttpHeaderNames.UPGRADE)).isFalse();
        assertThat(rec.events).containsExactly("started");
    }

    // ---- bytes read by ResponseReader ----

    /** What a reader on an EmbeddedChannel makes of the pieces; {@code close}: the backend closes after them. */
    private static List<Object> read(boolean headRequest, boolean close, String... pieces) {
        ResponseReader reader = new ResponseReader();
        EmbeddedChannel ch = new EmbeddedChannel(reader);
        reader.expect(headRequest);
        for (String p : pieces) {
            ch.writeInbound(Unpooled.copiedBuffer(p, StandardCharsets.ISO_8859_1));
        }
        if (close) {
            ch.close();
        }
        List<Object> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
        return out;
    }

    private RawResponseRelay relayRaw(List<Object> messages) {
        RawResponseRelay relay = new RawResponseRelay(rec, rec, ByteBufAllocator.DEFAULT, "rid-1", false);
        messages.forEach(relay::relay);
        return relay;
    }

    @Test
    void aBodyThatEndsWithTheBackendsCloseGoesOnChunkedPieceByPiece() {
        RawResponseRelay relay = relayRaw(read(false, true,
                "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello", " world"));
        assertThat(rec.raw).hasSize(4);
        assertThat(rec.raw.get(0)).startsWith("HTTP/1.1 200 OK\r\n").contains("transfer-encoding: chunked\r\n")
                .doesNotContain("onnection: close");
        assertThat(rec.raw.subList(1, 4)).containsExactly("5\r\nhello\r\n", "6\r\n world\r\n", "0\r\n\r\n");
        assertThat(rec.events).containsExactly("started", "closes?", "finish");
        assertThat(relay.backendKeepAlive()).isFalse();
        assertThat(relay.bytes()).isEqualTo(11);
    }

    @Test
    void aLengthDelimitedBodyPassesAsItCameAndAClosingClientGetsConnectionClose() {
        rec.closes = true;
        RawResponseRelay relay = relayRaw(read(false, false,
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: timeout=5\r\n\r\nhel", "lo"));
        assertThat(rec.raw.get(0)).isEqualTo(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nx-request-id: rid-1\r\nconnection: close\r\n\r\n");
        assertThat(String.join("", rec.raw.subList(1, rec.raw.size()))).isEqualTo("hello");
        assertThat(rec.events).containsExactly("started", "closes?", "finish");
        assertThat(relay.backendKeepAlive()).isTrue();
    }

    @Test
    void aHeadResponseEndsAtItsHeadWhateverItsLengthSays() {
        rec.stickyKey = "k2";
        RawResponseRelay relay = relayRaw(read(true, false, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"));
        assertThat(rec.raw).hasSize(1);
        assertThat(rec.raw.get(0)).contains("Content-Length: 5\r\n").contains("set-cookie: " + StickyCookie.NAME + "=k2");
        assertThat(rec.events).containsExactly("started", "closes?", "finish");
        assertThat(relay.bytes()).isZero();
    }

    @Test
    void anInformationalHeadGoesOnWithoutAskingAboutTheClientAndTheFinalOneFinishesOnce() {
        RawResponseRelay relay = relayRaw(read(false, false,
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        assertThat(rec.raw).containsExactly("HTTP/1.1 100 Continue\r\nx-request-id: rid-1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-request-id: rid-1\r\n\r\n", "ok");
        assertThat(rec.events).containsExactly("started", "started", "closes?", "finish");
        assertThat(relay.status()).isEqualTo(200);
    }

    @Test
    void a101OnARawExchangeAndAMalformedResponseAreBadAndWriteNothing() {
        relayRaw(read(false, false, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"));
        relayRaw(read(false, false, "SMTP ready\r\n\r\n"));
        assertThat(rec.raw).isEmpty();
        assertThat(rec.events).hasSize(2);
        assertThat(rec.events.get(0)).isEqualTo("bad:null");
        assertThat(rec.events.get(1)).startsWith("bad:").isNotEqualTo("bad:null");
    }

    @Test
    void aResponseCutMidBodyNeverFinishes() {
        RawResponseRelay relay = relayRaw(read(false, true, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"));
        assertThat(rec.raw).hasSize(2).last().isEqualTo("hello");
        assertThat(rec.events).containsExactly("started", "closes?"); // the exchange hears of the close instead
        assertThat(relay.bytes()).isEqualTo(5);
    }
}
