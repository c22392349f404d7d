package dev.skep.route.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The router's own health answer, for a load balancer in front of the routers (`skep edge haproxy`): any request
 * whose Host is {@value #HOST}. A name under {@code .invalid} (RFC 2606) that no app can own, so no app path is
 * taken. 200 once the router routes by the state (its first table is in), 503 before that and while it drains,
 * so an edge stops sending it new clients before it goes.
 */
public final class RouterHealth {

    /** The Host a health check sends. */
    public static final String HOST = "skep-router.invalid";

    private RouterHealth() {
    }

    /** Whether this Host (as the request named it, maybe with a port) asks for the router's health. */
    static boolean asks(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(':') == colon) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals(HOST);
    }

    static FullHttpResponse response(ProxyContext proxy, ByteBufAllocator alloc) {
        String state = proxy.draining() ? "draining" : proxy.routing() ? "ok" : "starting";
        HttpResponseStatus status = state.equals("ok") ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
        byte[] body = (state + "\n").getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, alloc.buffer(body.length)
                .writeBytes(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }
}
