package dev.skep.route.proxy;

import dev.skep.route.RouterConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;

/** The pipeline of one client connection, as a list of named steps. */
public final class FrontendInitializer extends ChannelInitializer<SocketChannel> {

    static final String LIMIT = "limit";
    static final String HEADER_TIMEOUT = "header-timeout";
    static final String HTTP = "http";
    static final String HTTP_OUT = "http-out";
    static final String PROXY = "proxy";

    private final ProxyContext proxy;

    public FrontendInitializer(ProxyContext proxy) {
        this.proxy = proxy;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(LIMIT, new ConnectionLimit(proxy.clients()));
        addHttpHandlers(p, proxy, false);
    }

    /** Everything after transport and TLS: timeouts, the HTTP/1.1 codec, the proxy. */
    public static void addHttpHandlers(ChannelPipeline p, ProxyContext proxy, boolean tls) {
        addTimeoutHandlers(p, proxy.config());
        addHttp1Codec(p, proxy.config());
        p.addLast(PROXY, new FrontendHandler(proxy, tls));
    }

    /** The idle timeout between requests is the proxy handler's own (it knows when none is in flight). */
    static void addTimeoutHandlers(ChannelPipeline p, RouterConfig config) {
        p.addLast(HEADER_TIMEOUT, new HeaderTimeout(config.headerTimeout()));
    }

    /** Decoder and encoder as two steps: raw responses are written from the encoder's context, past it. */
    static void addHttp1Codec(ChannelPipeline p, RouterConfig config) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxUrlBytes() + 64)
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024);
        p.addLast(HTTP, new HttpRequestDecoder(decoder));
        p.addLast(HTTP_OUT, new ClientResponseEncoder());
    }

    static void removeForUpgrade(ChannelPipeline p) {
        if (p.get(HEADER_TIMEOUT) != null) {
            p.remove(HEADER_TIMEOUT);
        }
    }
}
