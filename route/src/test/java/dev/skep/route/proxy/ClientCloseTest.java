package dev.skep.route.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.skep.route.proxy.FrontendPipelineTest.outbound;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ways a client connection ends, on an EmbeddedChannel with an HTTP encoder in front of the proxy's place.
 * An EmbeddedChannel is no duplex socket: a lingering close closes it at once (the e2e hostile-input test lingers).
 */
class ClientCloseTest {

    private final Tail tail = new Tail();
    private final EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder(), tail);
    private final ClientClose end = new ClientClose(tail.ctx);

    private static final class Tail extends ChannelInboundHandlerAdapter {
        ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }
    }

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    @Test
    void anEarlyAnswerSaysTheConnectionClosesAndThenClosesIt() {
        assertThat(end.closing()).isFalse();
        end.afterAnswer(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Unpooled.copiedBuffer("too big", StandardCharsets.US_ASCII)));

        assertThat(end.closing()).isTrue();
        assertThat(outbound(ch)).startsWith("HTTP/1.1 413 ").contains("connection: close").endsWith("too big");
        assertThat(ch.isOpen()).isFalse();
        assertThat(end.lingeringRead()).isFalse(); // nothing to linger on: it closed at once
    }

    @Test
    void afterFlushClosesOnceWhatWasWrittenWentOutAndOnlyOnce() {
        ch.pipeline().remove(HttpResponseEncoder.class); // bytes as the raw path writes them
        tail.ctx.write(Unpooled.copiedBuffer("last bytes", StandardCharsets.US_ASCII));
        end.afterFlush();
        end.afterFlush();

        assertThat(end.closing()).isTrue();
        assertThat(outbound(ch)).isEqualTo("last bytes");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void nowClosesWithoutWritingAndClosedMarksTheConnectionEnding() {
        end.now();
        assertThat(end.closing()).isTrue();
        assertThat(ch.isOpen()).isFalse();
        assertThat(outbound(ch)).isEmpty();

        ClientClose other = new ClientClose(tail.ctx);
        other.closed();
        assertThat(other.closing()).isTrue();
    }
}
