package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseReaderTest {

    /** What the reader made of some bytes: heads, the body bytes joined, ends, problems. */
    private record Read(List<RawResponse.Head> heads, String body, int ends, List<String> problems) {
    }

    private final ResponseReader reader = new ResponseReader();
    private final EmbeddedChannel ch = new EmbeddedChannel(reader);

    private Read feed(String... pieces) {
        for (String p : pieces) {
            ch.writeInbound(Unpooled.copiedBuffer(p, StandardCharsets.ISO_8859_1));
        }
        return drain();
    }

    private Read drain() {
        List<RawResponse.Head> heads = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        int ends = 0;
        List<String> problems = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            if (o instanceof RawResponse.Head h) {
                heads.add(h);
            } else if (o instanceof ByteBuf b) {
                body.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            } else if (o == RawResponse.END) {
                ends++;
            } else if (o instanceof RawResponse.Malformed m) {
                problems.add(m.reason());
            }
        }
        return new Read(heads, body.toString(), ends, problems);
    }

    private static String encode(RawResponse.Head h, boolean close) {
        ByteBuf b = h.encode(ByteBufAllocator.DEFAULT, "rid-1", close);
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    /** Every way of cutting the text in two, fed as two reads. */
    private static List<String[]> splits(String text) {
        List<String[]> out = new ArrayList<>();
        for (int i = 1; i < text.length(); i++) {
            out.add(new String[]{text.substring(0, i), text.substring(i)});
        }
        return out;
    }

    @Test
    void aLengthDelimitedResponseEndsAfterItsLengthWhereverTheReadsSplitIt() {
        String response = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world";
        for (String[] cut : splits(response)) {
            ResponseReader r = new ResponseReader();
            EmbeddedChannel c = new EmbeddedChannel(r);
            c.writeInbound(Unpooled.copiedBuffer(cut[0], StandardCharsets.ISO_8859_1));
            c.writeInbound(Unpooled.copiedBuffer(cut[1], StandardCharsets.ISO_8859_1));
            StringBuilder body = new StringBuilder();
            int heads = 0;
            int ends = 0;
            for (Object o; (o = c.readInbound()) != null; ) {
                if (o instanceof RawResponse.Head h) {
                    heads++;
                    assertThat(h.status).isEqualTo(200);
                    assertThat(h.keepAlive).isTrue();
                    h.release();
                } else if (o instanceof ByteBuf b) {
                    body.append(b.toString(StandardCharsets.ISO_8859_1));
                    b.release();
                } else if (o == RawResponse.END) {
                    ends++;
                }
            }
            assertThat(heads).as("split at %d", cut[0].length()).isEqualTo(1);
            assertThat(body.toString()).as("split at %d", cut[0].length()).isEqualTo("hello world");
            assertThat(ends).as("split at %d", cut[0].length()).isEqualTo(1);
        }
    }

    @Test
    void chunkedBodiesPassThroughWithTheirFramingAndEndAfterTheTrailers() {
        String body = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n" + body;
        for (String[] cut : splits(response)) {
            ResponseReader r = new ResponseReader();
            EmbeddedChannel c = new EmbeddedChannel(r);
            c.writeInbound(Unpooled.copiedBuffer(cut[0], StandardCharsets.ISO_8859_1));
            c.writeInbound(Unpooled.copiedBuffer(cut[1], StandardCharsets.ISO_8859_1));
            StringBuilder seen = new StringBuilder();
            int ends = 0;
            for (Object o; (o = c.readInbound()) != null; ) {
                if (o instanceof RawResponse.Head h) {
                    assertThat(h.framing).isEqualTo(RawResponse.Framing.CHUNKED);
                    assertThat(encode(h, false)).doesNotContainIgnoringCase("content-length"); // chunked wins
                    h.release();
                } else if (o instanceof ByteBuf b) {
                    seen.append(b.toString(StandardCharsets.ISO_8859_1));
                    b.release();
                } else if (o == RawResponse.END) {
                    ends++;
                }
            }
            assertThat(seen.toString()).as("split at %d", cut[0].length()).isEqualTo(body);
            assertThat(ends).as("split at %d", cut[0].length()).isEqualTo(1);
        }
    }

    @Test
    void theHeadLosesHopByHopLinesAndGetsARequestIdAndAClose() {
        Read r = feed("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Secret\r\nKeep-Alive: timeout=5\r\n"
                + "X-Secret: 1\r\nUpgrade: h2c\r\nContent-Length: 0\r\nX-App: yes\r\n\r\n");
        RawResponse.Head h = r.heads().get(0);
        assertThat(encode(h, true)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-App: yes\r\n"
                + "x-request-id: rid-1\r\nconnection: close\r\n\r\n");
        assertThat(r.ends()).isEqualTo(1);
        h.release();
    }

    @Test
    void theAppsOwnRequestIdIsKept() {
        Read r = feed("HTTP/1.1 200 OK\r\nX-Request-Id: mine\r\nContent-Length: 0\r\n\r\n");
        RawResponse.Head h = r.heads().get(0);
        assertThat(encode(h, false)).contains("X-Request-Id: mine").doesNotContain("rid-1");
        assertThat(h.header(AsciiString.of("x-request-id"))).isEqualTo("mine");
        h.release();
    }

    @Test
    void headResponsesAnd204And304HaveNoBodyWhateverTheirHeadersSay() {
        reader.expect(true);
        Read head = feed("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n");
        assertThat(head.ends()).isEqualTo(1);
        assertThat(head.heads().get(0).framing).isEqualTo(RawResponse.Framing.NONE);
        head.heads().forEach(RawResponse.Head::release);
        Read noContent = feed("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
                "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n");
        assertThat(noContent.heads()).extracting(h -> h.status).containsExactly(204, 304);
        assertThat(noContent.ends()).isEqualTo(2);
        assertThat(noContent.body()).isEmpty();
        noContent.heads().forEach(RawResponse.Head::release);
    }

    @Test
    void anInformationalHeadIsFollowedByTheFinalOneInTheSameExchange() {
        Read r = feed("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(r.heads()).extracting(h -> h.status).containsExactly(103, 200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.ends()).isEqualTo(1);
        r.heads().forEach(RawResponse.Head::release);
    }

    @Test
    void aBodyWithoutLengthEndsWithTheCloseAndTheConnectionIsNotReused() {
        Read r = feed("HTTP/1.0 200 OK\r\n\r\npart one ", "part two");
        assertThat(r.heads().get(0).framing).isEqualTo(RawResponse.Framing.UNTIL_CLOSE);
        assertThat(r.heads().get(0).keepAlive).isFalse();
        assertThat(r.ends()).isZero();
        ch.close();
        Read closed = drain();
        assertThat(r.body() + closed.body()).isEqualTo("part one part two");
        assertThat(closed.ends()).isEqualTo(1);
        r.heads().forEach(RawResponse.Head::release);
    }

    @Test
    void http10KeepsTheConnectionOnlyWhenItSaysSo() {
        Read plain = feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(plain.heads().get(0).keepAlive).isFalse();
        Read kept = feed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
        assertThat(kept.heads().get(0).keepAlive).isTrue();
        Read closed = feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        assertThat(closed.heads().get(0).keepAlive).isFalse();
        List.of(plain, kept, closed).forEach(x -> x.heads().forEach(RawResponse.Head::release));
    }

    @Test
    void malformedResponsesAreReportedAndTheConnectionClosed() {
        for (String bad : List.of("SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
                "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")) {
            EmbeddedChannel c = new EmbeddedChannel(new ResponseReader());
            c.writeInbound(Unpooled.copiedBuffer(bad, StandardCharsets.ISO_8859_1));
            List<Object> got = new ArrayList<>();
            for (Object o; (o = c.readInbound()) != null; ) {
                got.add(o);
                if (o instanceof RawResponse.Head h) {
                    h.release();
                }
            }
            assertThat(got).as(bad).anyMatch(o -> o instanceof RawResponse.Malformed);
            assertThat(c.isOpen()).as(bad).isFalse();
        }
    }

    @Test
    void aHeadOverTheLimitIsMalformed() {
        Read r = feed("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(ResponseReader.MAX_HEAD_BYTES));
        assertThat(r.problems()).singleElement().asString().contains("longer than");
        assertThat(ch.isOpen()).isFalse();
    }
}
