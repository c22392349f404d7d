package dev.skep.route.proxy;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

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
}
