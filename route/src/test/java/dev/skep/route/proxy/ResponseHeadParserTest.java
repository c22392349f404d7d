package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The response head parser alone, on heads given as text (the reader's test covers finding them in a stream). */
class ResponseHeadParserTest {

    /** Parses {@code text}, a head whose lines end with CRLF, as the reader hands it over. */
    private static RawResponse.Parsed parse(String text, boolean headRequest) {
        ByteBuf head = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        int[] spans = new int[lines.length * 2];
        int at = 0;
        for (int i = 0; i < lines.length; i++) {
            spans[i * 2] = at;
            spans[i * 2 + 1] = at + lines[i].length();
            at += lines[i].length() + 2;
        }
        RawResponse.Parsed parsed = ResponseHeadParser.parse(head, spans, lines.length, headRequest);
        if (parsed instanceof RawResponse.Malformed) {
            head.release();
        }
        return parsed;
    }

    private static String encoded(RawResponse.Head h) {
        ByteBuf out = h.encode(ByteBufAllocator.DEFAULT, null, false);
        String s = out.toString(StandardCharsets.ISO_8859_1);
        out.release();
        h.release();
        return s;
    }

    @Test
    void aLengthDelimitedHeadKeepsItsEndToEndLinesAndDropsHopByHopOnesAndThoseConnectionNames() {
        RawResponse.Parsed p = parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: timeout=5\r\n"
                + "Connection: keep-alive, X-Secret\r\nX-Secret: internal\r\nX-App: shop\r\n\r\n", false);
        RawResponse.Head h = (RawResponse.Head) p;
        assertThat(h.status).isEqualTo(200);
        assertThat(h.framing).isEqualTo(RawResponse.Framing.LENGTH);
        assertThat(h.contentLength).isEqualTo(5);
        assertThat(h.keepAlive).isTrue();
        assertThat(h.header(AsciiString.of("x-app"))).isEqualTo("shop");
        assertThat(encoded(h)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-App: shop\r\n\r\n");
    }

    @Test
    void chunkedWinsOverALengthWhichIsDroppedAndAnUnknownCodingRunsUntilClose() {
        RawResponse.Head h = (RawResponse.Head) parse(
                "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n", false);
        assertThat(h.framing).isEqualTo(RawResponse.Framing.CHUNKED);
        assertThat(encoded(h)).doesNotContainIgnoringCase("content-length");

        RawResponse.Head gzip = (RawResponse.Head) parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false);
        assertThat(gzip.framing).isEqualTo(RawResponse.Framing.UNTIL_CLOSE);
        assertThat(gzip.keepAlive).isFalse();
        gzip.release();
    }

    @Test
    void headResponsesAnd204And1xxHaveNoBodyAndHttp10ClosesUnlessItAsksForKeepAlive() {
        RawResponse.Head head = (RawResponse.Head) parse("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", true);
        assertThat(head.framing).isEqualTo(RawResponse.Framing.NONE);
        head.release();
        RawResponse.Head early = (RawResponse.Head) parse("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", false);
        assertThat(early.framing).isEqualTo(RawResponse.Framing.NONE);
        assertThat(early.informational()).isTrue();
        early.release();

        RawResponse.Head old = (RawResponse.Head) parse("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", false);
        assertThat(old.keepAlive).isFalse();
        old.release();
        RawResponse.Head kept = (RawResponse.Head) parse(
                "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\n", false);
        assertThat(kept.keepAlive).isTrue();
        kept.release();
    }

    @Test
    void whatASmugglerOrABrokenBackendSendsIsMalformed() {
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", false))
                .isEqualTo(new RawResponse.Malformed("bad or conflicting Content-Length"));
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n", false))
                .isInstanceOf(RawResponse.Malformed.class);
        assertThat(parse("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", false))
                .isEqualTo(new RawResponse.Malformed("folded header line"));
        assertThat(parse("HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n", false))
                .isEqualTo(new RawResponse.Malformed("header line without a name"));
        assertThat(parse("HTTP/2 200 OK\r\n\r\n", false)).isEqualTo(new RawResponse.Malformed(
                "not an HTTP/1.x status line"));
        assertThat(parse("HTTP/1.1 2x0 OK\r\n\r\n", false)).isEqualTo(new RawResponse.Malformed(
                "status code is not three digits"));
    }
}
