package dev.skep.route.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one HTTPS client connection: SNI picks the certificate, ALPN picks the protocol.
 * HTTP/1.1 continues with the same steps as plain HTTP; with h2 every stream becomes a channel of
 * its own that carries HTTP/1-style messages to the same frontend handler.
 */
public final class TlsInitializer extends ChannelInitializer<SocketChannel> {

    static final String LIMIT = "limit";
    static final String TLS = "tls";
    static final String ALPN = "alpn";

    private final ProxyContext proxy;
    private final Certificates certificates;

    public TlsInitializer(ProxyContext proxy, Certificates certificates) {
        this.proxy = proxy;
        this.certificates = certificates;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        ch.config().setAutoRead(true); // until the protocol is known; the frontend turns it off
        p.addLast(LIMIT, new ConnectionLimit(proxy.clients()));
        // the header timeout starts after ALPN: until then the handshake has the same deadline, a
        // client that never finishes its ClientHello would otherwise hold its connection forever
        p.addLast(TLS, new SniHandler(certificates, proxy.config().headerTimeout().toMillis()));
        p.addLast(ALPN, new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    addHttp2Handlers(ctx.pipeline());
                } else {
                    ctx.channel().config().setAutoRead(false);
                    FrontendInitializer.addHttpHandlers(ctx.pipeline(), proxy, true);
                }
            }
        });
    }

    private void addHttp2Handlers(ChannelPipeline p) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxHeaderListSize(proxy.config().maxHeaderBytes())
                .maxConcurrentStreams(128);
        // an h2 connection has no frontend handler of its own (streams do): one the client stays silent on
        // for the idle timeout is closed, as an idle HTTP/1.1 keep-alive connection is; a download keeps
        // it alive with the client's WINDOW_UPDATEs, and a stream waits for its backend less than this
        p.addLast("h2-idle", new H2Idle(proxy.config().idleTimeout().toMillis()));
        p.addLast("h2", Http2FrameCodecBuilder.forServer().initialSettings(settings).build());
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.config().setAutoRead(false);
                stream.pipeline().addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast(FrontendInitializer.PROXY, new FrontendHandler(proxy, true));
            }
        }));
    }

    /** Closes a silent h2 connection quietly (the stock handler fires an exception, logged per connection). */
    private static final class H2Idle extends ReadTimeoutHandler {
        H2Idle(long millis) {
            super(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void readTimedOut(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
