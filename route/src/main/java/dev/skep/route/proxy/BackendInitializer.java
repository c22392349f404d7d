package dev.skep.route.proxy;

import dev.skep.route.Backend;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestEncoder;

/** The pipeline of one backend connection, in named steps. */
public final class BackendInitializer extends ChannelInitializer<Channel> {

    static final String HTTP = "http";
    static final String RESPONSE = "response";
    static final String PROXY = "proxy";

    private final ProxyContext proxy;
    private final Backend backend;
    private final boolean raw;

    /** {@code raw}: responses are read as bytes by {@link ResponseReader}, for HTTP/1.1 clients. */
    public BackendInitializer(ProxyContext proxy, Backend backend, boolean raw) {
        this.proxy = proxy;
        this.backend = backend;
        this.raw = raw;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (raw) {
            p.addLast(HTTP, new HttpRequestEncoder());
            p.addLast(RESPONSE, new ResponseReader());
        } else {
            addHttp1Codec(p);
        }
        p.addLast(PROXY, new BackendHandler(proxy, backend, raw));
    }

    static void addHttp1Codec(ChannelPipeline p) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024);
        p.addLast(HTTP, new HttpClientCodec(decoder, false, false));
    }

    /** After a 101: the HTTP codec leaves, the bytes it holds passed on; what follows is relayed as it is. */
    static void removeForUpgrade(ChannelPipeline p) {
        HttpClientCodec codec = p.get(HttpClientCodec.class);
        codec.removeOutboundHandler();
        p.remove(codec);
    }
}
