package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.time.Duration;

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
    private LazyTimer timer;
    private boolean waiting = true;
    private boolean bytesSeen;

    HeaderTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer.arm(timeoutNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = new LazyTimer(ctx.executor(), () -> {
            if (waiting) {
                ctx.fireUserEventTriggered(new Expired(bytesSeen));
            }
        });
        if (ctx.channel().isActive()) {
            timer.arm(timeoutNanos);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waiting && msg instanceof ByteBuf b && b.isReadable()) {
            bytesSeen = true;
            if (!timer.armed()) { // counted from the first byte of the head
                timer.arm(timeoutNanos);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The frontend got a whole request head. */
    void headReceived() {
        waiting = false;
        bytesSeen = false;
        timer.disarm();
    }

    /** The frontend finished a response and waits for the next request on this connection. */
    void awaitNextHead() {
        waiting = true;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.stop();
        ctx.fireChannelInactive();
    }
}
