package dev.skep.route.proxy;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The respond step for Netty's HTTP objects (HTTP/1.0 clients, upgrades, HTTP/2): rewrites the head's headers and
 * framing ({@link ResponseFraming}), passes 1xx heads on with the final head to follow, and ends a 101's body in
 * a splice.
 */
final class ObjectResponseRelay extends ResponseRelay {

    private final boolean upgradeRequested;
    private final boolean headRequest;
    private final boolean http10;
    /** A 1xx head went on: its end is not the response's. */
    private boolean informational;
    /** A 101 went on: its (empty) body ends in the splice. */
    private boolean switching;

    ObjectResponseRelay(ResponseSink sink, ClientOut out, HttpRequest request, boolean upgradeRequested,
                        String requestId, boolean secure) {
        super(sink, out, requestId, secure);
        this.upgradeRequested = upgradeRequested;
        this.headRequest = request.method().equals(HttpMethod.HEAD);
        this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    }

    @Override
    void relay(Object msg) {
        if (msg instanceof HttpResponse r) {
            head(r);
        } else if (msg instanceof HttpContent c) {
            content(c);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void head(HttpResponse r) {
        sink.responseStarted();
        int code = r.status().code();
        if (code == 101 && upgradeRequested) {
            switching = true;
            status = code;
            ProxyHeaders.forResponse(r.headers(), true, requestId);
            addStickyCookie(r);
            out.write(r);
            return;
        }
        if (code >= 100 && code < 200) {
            informational = true;
            ProxyHeaders.forResponse(r.headers(), false, requestId);
            out.write(r);
            return;
        }
        status = code;
        backendKeepAlive = HttpUtil.isKeepAlive(r);
        ProxyHeaders.forResponse(r.headers(), false, requestId);
        addStickyCookie(r);
        if (ResponseFraming.frame(r, status, headRequest, http10, sink.closesClient())) {
            sink.closeClient();
        }
        out.write(r);
    }

    private void addStickyCookie(HttpResponse r) {
        String key = sink.newStickyKey();
        if (key != null) {
            r.headers().add(HttpHeaderNames.SET_COOKIE, StickyCookie.setCookie(key, secure));
            r.headers().add(HttpHeaderNames.CACHE_CONTROL, StickyCookie.CACHE_CONTROL);
        }
    }

    private void content(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (switching) {
            c.release();
            if (last) {
                sink.splice();
            }
            return;
        }
        bytes += c.content().readableBytes();
        out.write(c);
        if (last) {
            if (informational) {
                informational = false;
            } else {
                sink.finish();
            }
        }
    }
}
