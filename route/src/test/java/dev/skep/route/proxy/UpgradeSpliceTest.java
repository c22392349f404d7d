package dev.skep.route.proxy;

import dev.skep.route.RouterConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.skep.route.proxy.FrontendPipelineTest.outbound;
import static dev.skep.route.proxy.FrontendPipelineTest.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade step alone: a client EmbeddedChannel with the router's HTTP handlers and a backend one with its
 * codec, each ending in a handler that hands bytes to the splice as the proxy's handlers do.
 */
class UpgradeSpliceTest {

    private final RouterTail clientTail = new RouterTail();
    private final RouterTail backendTail = new RouterTail();
    private final AtomicInteger exchanges = new AtomicInteger(1);
    private EmbeddedChannel client;
    private EmbeddedChannel backend;
    private UpgradeSplice splice;

    /** The last handler: before the splice it keeps what the codec decoded; after, bytes go to the splice. */
    private final class RouterTail extends ChannelInboundHandlerAdapter {
        ChannelHandlerContext ctx;
        final List<Object> decoded = new ArrayList<>();

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (splice != null && msg instanceof ByteBuf b) {
                if (this == clientTail) {
                    splice.fromClient(b);
                } else {
                    splice.fromBackend(b);
                }
            } else {
                decoded.add(msg);
                ReferenceCountUtil.release(msg);
            }
        }
    }

    @BeforeEach
    void setUp() {
        client = new EmbeddedChannel();
        FrontendInitializer.addTimeoutHandlers(client.pipeline(), RouterConfig.defaults());
        FrontendInitializer.addHttp1Codec(client.pipeline(), RouterConfig.defaults());
        client.pipeline().addLast(clientTail);
        backend = new EmbeddedChannel();
        BackendInitializer.addHttp1Codec(backend.pipeline());
        backend.pipeline().addLast(backendTail);
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        backend.finishAndReleaseAll();
    }

    private void splice() {
        splice = new UpgradeSplice(clientTail.ctx, backend, exchanges);
        splice.stripClient();
        splice.start();
    }

    @Test
    void afterTheHttpHandlersLeftBytesPassBothWaysAsTheyAre() {
        send(client, "GET /ws HTTP/1.1\r\nHost: shop.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        assertThat(clientTail.decoded).first().isInstanceOf(HttpRequest.class);

        splice();
        assertThat(client.pipeline().get(HttpRequestDecoder.class)).isNull();
        assertThat(client.pipeline().get(ClientResponseEncoder.class)).isNull();
        assertThat(client.pipeline().get(HeaderTimeout.class)).isNull();
        assertThat(backend.pipeline().get(HttpClientCodec.class)).isNull();

        // bytes no HTTP codec would pass as they are: a request line without its end, a bare status line
        send(client, "GET not-http\r\n");
        backend.flush(); // the client's read burst ended
        assertThat(outbound(backend)).isEqualTo("GET not-http\r\n");
        send(backend, "HTTP/1.1 200 but not a response");
        client.flush(); // the backend's read burst ended
        assertThat(outbound(client)).isEqualTo("HTTP/1.1 200 but not a response");
        assertThat(splice.backendWritable()).isTrue();
    }

    @Test
    void clientBytesAfterTheBackendClosedAreDroppedAndTheSpliceEndsOnce() {
        splice();
        backend.close();
        ByteBuf late = Unpooled.copiedBuffer(new byte[] {1, 2, 3});
        splice.fromClient(late);
        assertThat(late.refCnt()).isZero();

        assertThat(splice.open()).isTrue();
        splice.end();
        splice.end(); // the other side's close: already counted
        assertThat(splice.open()).isFalse();
        assertThat(exchanges.get()).isZero();
    }
}
