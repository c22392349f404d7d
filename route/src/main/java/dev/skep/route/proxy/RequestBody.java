package dev.skep.route.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The forward step for a request's body: each chunk the client sends goes to the backend as it came, once the
 * intake step passed it ({@link RequestIntake#bodyRefusal}: its framing, the size limit). One per client connection
 * (or HTTP/2 stream), {@link #reset} by each exchange: a request costs no allocation here.
 */
final class RequestBody {

    private long maxBytes;
    private long bytes;
    private boolean complete;

    /** A new request, whose body may hold {@code maxBytes}; returns this. */
    RequestBody reset(long maxBytes) {
        this.maxBytes = maxBytes;
        this.bytes = 0;
        this.complete = false;
        return this;
    }

    /** Whether the body's last chunk went to the backend: the request is sent. */
    boolean complete() {
        return complete;
    }

    /**
     * Writes one chunk to {@code backend} (flushed at the end of the client's read burst) and returns null; or
     * releases it unwritten and returns the status to refuse the request with.
     */
    HttpResponseStatus forward(HttpContent chunk, Channel backend) {
        bytes += chunk.content().readableBytes();
        HttpResponseStatus refusal = RequestIntake.bodyRefusal(chunk, bytes, maxBytes);
        if (refusal != null) {
            chunk.release();
            return refusal;
        }
        boolean last = chunk instanceof LastHttpContent;
        backend.write(chunk, backend.voidPromise());
        if (last) {
            complete = true;
        }
        return null;
    }
}
