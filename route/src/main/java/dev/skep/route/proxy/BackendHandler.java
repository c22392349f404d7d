package dev.skep.route.proxy;

import dev.skep.route.Backend;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend end of a connection: hands what the backend sends to the exchange it is leased to,
 * and leaves the pool when it closes while idle or stays idle past the pool idle timeout.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

    private final ProxyContext proxy;
    private final Backend backend;
    private final boolean raw;
    private Exchange exchange;
    /** The raw pipeline's response reader (null on an object pipeline): told about each request's method. */
    private ResponseReader reader;
    private LazyTimer poolIdle;
    private int served;

    BackendHandler(ProxyContext proxy, Backend backend, boolean raw) {
        this.proxy = proxy;
        this.backend = backend;
        this.raw = raw;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        reader = ctx.pipeline().get(ResponseReader.class);
        poolIdle = new LazyTimer(ctx.executor(), () -> {
            if (exchange == null) {
                ctx.close();
            }
        });
    }

    /** Leases the connection to an exchange whose request is about to be sent ({@code head}: a HEAD request). */
    void bind(Exchange e, boolean head) {
        exchange = e;
        poolIdle.disarm();
        if (reader != null) {
            reader.expect(head);
        }
    }

    void unbind() {
        exchange = null;
        served++;
        poolIdle.arm(proxy.config().poolIdleTimeout().toNanos());
    }

    /** Whether this connection carried an exchange before (a reused keep-alive connection). */
    boolean reused() {
        return served > 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null) {
            exchange.fromBackend(msg);
        } else {
            ReferenceCountUtil.release(msg);
            log.debug("event=proxy.idle-backend-data backend={} next=close", backend);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.backendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.backendWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        poolIdle.stop();
        Exchange e = exchange;
        if (e != null) {
            exchange = null;
            e.backendClosed();
        } else {
            proxy.pool(ctx.channel().eventLoop(), raw).remove(backend, ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("event=proxy.backend-failed backend={} error=\"{}\"", backend, cause.toString());
        ctx.close();
    }
}
