package dev.skep.route.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * How a client connection ends, and whether it is ending: at once (idle, a header timeout before any byte, a
 * failure), after what was written is flushed (a response that closes, a splice whose backend left), or lingering
 * after an answer made early (see {@link LingeringClose}). Once it is ending no request is started or read.
 */
final class ClientClose {

    private final ChannelHandlerContext ctx;
    private boolean closing;
    /** Set once an early answer went out and the rest of the request is being read and dropped. */
    private LingeringClose lingering;

    /** {@code ctx}: the proxy handler's context on the client connection (or HTTP/2 stream). */
    ClientClose(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    boolean closing() {
        return closing;
    }

    /** Closes at once: nothing written is waited for. */
    void now() {
        closing = true;
        ctx.close();
    }

    /** Closes once what was written is flushed; an HTTP/2 stream ends with its last frame. Only the first call acts. */
    void afterFlush() {
        if (!closing) {
            closing = true;
            if (ctx.channel() instanceof Http2StreamChannel) {
                ctx.flush();
                ctx.close();
            } else {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** Writes {@code answer} saying the connection closes, then lingers; closes at once if the write failed. */
    void afterAnswer(FullHttpResponse answer) {
        answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        closing = true;
        ctx.writeAndFlush(answer).addListener(f -> {
            if (f.isSuccess()) {
                lingering = LingeringClose.start(ctx);
            } else {
                ctx.close();
            }
        });
    }

    /** A read burst ended: while lingering (what came was dropped) the pause restarts and true is returned. */
    boolean lingeringRead() {
        if (lingering == null) {
            return false;
        }
        lingering.onReadComplete();
        return true;
    }

    /** The connection closed: the lingering timer, if any, stops. */
    void closed() {
        closing = true;
        if (lingering != null) {
            lingering.stop();
        }
    }
}
