package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The forward step for request bodies, writing to a backend EmbeddedChannel. */
class RequestBodyTest {

    private final EmbeddedChannel backend = new EmbeddedChannel();
    private final RequestBody body = new RequestBody();

    @AfterEach
    void tearDown() {
        backend.flush(); // else the close fails the writes, which with a void promise the channel reports
        backend.finishAndReleaseAll();
    }

    private static HttpContent chunk(int bytes) {
        return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[bytes]));
    }

    @Test
    void chunksGoToTheBackendAsTheyCameAndTheLastOneCompletesTheRequest() {
        body.reset(100);
        HttpContent first = chunk(40);
        HttpContent last = new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[60]));

        assertThat(body.forward(first, backend)).isNull();
        assertThat(body.complete()).isFalse();
        assertThat(body.forward(last, backend)).isNull();
        assertThat(body.complete()).isTrue();

        assertThat(backend.outboundMessages()).isEmpty(); // flushed by the read burst's end, not per chunk
        backend.flush();
        assertThat((Object) backend.readOutbound()).isSameAs(first);
        assertThat((Object) backend.readOutbound()).isSameAs(last);
        first.release();
        last.release();
    }

    @Test
    void aChunkPastTheLimitIs413AndIsReleasedUnwritten() {
        body.reset(100);
        assertThat(body.forward(chunk(100), backend)).isNull();
        HttpContent over = chunk(1);

        assertThat(body.forward(over, backend)).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        assertThat(over.refCnt()).isZero();
        assertThat(body.complete()).isFalse();
        backend.flush();
        assertThat(backend.outboundMessages()).hasSize(1);
    }

    @Test
    void aChunkThatBrokeItsFramingIs400AndNothingOfItIsWritten() {
        body.reset(100);
        HttpContent broken = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad chunk size")));

        assertThat(body.forward(broken, backend)).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(body.complete()).isFalse();
        backend.flush();
        assertThat(backend.outboundMessages()).isEmpty();
    }

    @Test
    void aResetStartsTheNextRequestFromZeroBytesUnderItsOwnLimit() {
        body.reset(100);
        assertThat(body.forward(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[80])), backend)).isNull();
        assertThat(body.complete()).isTrue();

        assertThat(body.reset(100).complete()).isFalse();
        assertThat(body.forward(chunk(80), backend)).isNull(); // 160 in all: the first request's bytes do not count

        body.reset(10);
        HttpContent over = chunk(11);
        assertThat(body.forward(over, backend)).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        ByteBuf gone = over.content();
        assertThat(gone.refCnt()).isZero();
    }
}
