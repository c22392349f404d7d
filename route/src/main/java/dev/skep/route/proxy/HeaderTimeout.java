package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Slow-client guard, placed before the HTTP codec: a request head must arrive within the timeout,
 * counted from the connection's start or from the first byte of a later keep-alive request. On
 * expiry it fires {@link Expired} up the pipeline; the frontend answers 408 or just closes.
 */
final class HeaderTimeout extends ChannelInboundHandlerAdapter {

    /** The head did not arrive in time; {@code partial} when some of it had. */
    record Expired(boolean partial) {
    }

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private boolean waiting = true;
    private boolean bytesSeen;

    HeaderTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waiting && msg instanceof ByteBuf b && b.isReadable()) {
            bytesSeen = true;
            arm(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    /** The frontend got a whole request head. */
    void headReceived() {
        waiting = false;
        bytesSeen = false;
        cancel();
    }

    /** The frontend finished a response and waits for the next request on this connection. */
    void awaitNextHead() {
        waiting = true;
    }

    private void arm(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> {
                timer = null;
                if (waiting) {
                    ctx.fireUserEventTriggered(new Expired(bytesSeen));
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }
}
