package dev.skep.route.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;

import java.util.concurrent.TimeUnit;

/**
 * Closes after an early answer (413, 417, a bad request) without a reset: a client still sending
 * the body it was refused would get a TCP reset for its next write, and with it lose the answer
 * unread. So the sending side is shut (the client reads the answer and EOF) and what still comes
 * is read and dropped, until the client closes, it pauses {@link #PAUSE_NANOS}, or
 * {@link #MAX_NANOS} pass in all (nginx's lingering close, with its defaults).
 */
final class LingeringClose {

    static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ChannelHandlerContext ctx;
    private final LazyTimer timer;
    private final long deadline;

    private LingeringClose(ChannelHandlerContext ctx, long deadline) {
        this.ctx = ctx;
        this.deadline = deadline;
        this.timer = new LazyTimer(ctx.executor(), ctx::close);
    }

    /** Shuts the sending side and starts lingering; null when the connection closed at once instead (or was gone). */
    static LingeringClose start(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return null;
        }
        if (ctx.channel() instanceof Http2StreamChannel
                || !(ctx.channel() instanceof DuplexChannel duplex)) {
            ctx.close(); // an HTTP/2 stream is reset by its codec, which the client handles
            return null;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null) {
            ssl.closeOutbound(); // close_notify: the TLS form of end-of-answer
        } else {
            duplex.shutdownOutput();
        }
        LingeringClose l = new LingeringClose(ctx, System.nanoTime() + MAX_NANOS);
        l.timer.arm(PAUSE_NANOS);
        ctx.read();
        return l;
    }

    /** Bytes came while lingering (already dropped): the pause restarts, within the overall bound. */
    void onReadComplete() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            ctx.close();
            return;
        }
        timer.arm(Math.min(PAUSE_NANOS, left));
        ctx.read();
    }

    void stop() {
        timer.stop();
    }
}
