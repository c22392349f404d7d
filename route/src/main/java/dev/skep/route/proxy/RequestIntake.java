package dev.skep.route.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.util.Deque;

/**
 * The intake step: refuses a request head the router cannot take before any route is looked up (a head the
 * decoder could not read, a request line or headers past the limits, a URL past the router's limit), and a
 * body chunk that breaks the framing or the size limit. Such a refusal always closes the connection: what
 * follows on it cannot be framed with confidence.
 */
final class RequestIntake {

    private RequestIntake() {
    }

    /** The status to refuse the request with, or null: it goes on to routing. */
    static HttpResponseStatus refusal(HttpRequest req, int maxUrlBytes) {
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            return cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
        }
        if (req.uri().length() > maxUrlBytes) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        return null;
    }

    /**
     * The status to refuse a request body chunk with, or null: it goes on to the backend.
     *
     * @param bodyBytes the body's bytes so far, this chunk's included
     */
    static HttpResponseStatus bodyRefusal(HttpContent c, long bodyBytes, long maxBody) {
        if (c.decoderResult().isFailure()) { // a bad chunk size or trailer: the body's framing is unknown
            return HttpResponseStatus.BAD_REQUEST;
        }
        return bodyBytes > maxBody ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE : null;
    }

    /**
     * A request from HTTP/2 comes whole: it is split into head and body as HTTP/1 has them, so one exchange serves
     * both. The body (content and trailers, not copied) goes first in {@code inbox}, to follow the head returned.
     */
    static HttpRequest split(FullHttpRequest full, Deque<Object> inbox) {
        HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
        head.setDecoderResult(full.decoderResult());
        inbox.addFirst(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
        return head;
    }
}
