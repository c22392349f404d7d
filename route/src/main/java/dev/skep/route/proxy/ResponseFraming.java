package dev.skep.route.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Part of the respond step for HTTP objects (HTTP/1.0, upgrades, HTTP/2): how a response's body is delimited
 * towards the client and whether the client connection stays open. Raw HTTP/1.1 responses keep the backend's
 * framing ({@link RawResponse}).
 */
final class ResponseFraming {

    private ResponseFraming() {
    }

    /**
     * Rewrites the head's framing headers for the client.
     *
     * @param closeClient whether the client connection closes after this response already
     * @return whether it closes after this response now
     */
    static boolean frame(HttpResponse r, int status, boolean headRequest, boolean http10, boolean closeClient) {
        boolean bodyAllowed = !headRequest && status != 204 && status != 304;
        boolean length = r.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean chunked = HttpUtil.isTransferEncodingChunked(r);
        if (http10) {
            if (chunked) {
                HttpUtil.setTransferEncodingChunked(r, false);
                closeClient = true;
            } else if (bodyAllowed && !length) {
                closeClient = true;
            }
            if (!closeClient) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else if (bodyAllowed && !length && !chunked) {
            HttpUtil.setTransferEncodingChunked(r, true);
        }
        if (closeClient) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return closeClient;
    }
}
