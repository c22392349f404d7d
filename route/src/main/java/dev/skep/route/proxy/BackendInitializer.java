package dev.skep.route.proxy;

import dev.skep.route.Backend;
import dev.skep.route.RouterConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/** The pipeline of one backend connection, in named steps. */
public final class BackendInitializer extends ChannelInitializer<Channel> {

    static final String HTTP = "http";
    static final String IDLE = "idle";
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
        addPoolIdleTimeout(p, proxy.config());
        addHttp1Codec(p);
        p.addLast(PROXY, new BackendHandler(proxy, backend));
    }

    static void addPoolIdleTimeout(ChannelPipeline p, RouterConfig config) {
        p.addLast(IDLE, new IdleStateHandler(0, 0, config.poolIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    static void addHttp1Codec(ChannelPipeline p) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024);
        p.addLast(HTTP, new HttpClientCodec(decoder, false, false));
    }
}
