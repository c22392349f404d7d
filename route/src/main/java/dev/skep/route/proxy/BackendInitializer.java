package dev.skep.route.proxy;

import dev.skep.route.Backend;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** The pipeline of one backend connection, in named steps. */
public final class BackendInitializer extends ChannelInitializer<Channel> {

    static final String HTTP = "http";
    static final String PROXY = "proxy";

    private final ProxyContext proxy;
    private final Backend backend;

    public BackendInitializer(ProxyContext proxy, Backend backend) {
        this.proxy = proxy;
        this.backend = backend;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        addHttp1Codec(p);
        p.addLast(PROXY, new BackendHandler(proxy, backend));
    }

    static void addHttp1Codec(ChannelPipeline p) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024);
        p.addLast(HTTP, new HttpClientCodec(decoder, false, false));
    }
}
