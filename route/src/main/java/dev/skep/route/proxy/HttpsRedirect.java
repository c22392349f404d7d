package dev.skep.route.proxy;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.HostNames;
import dev.skep.route.RouteTable;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plain-HTTP requests for an app that wants HTTPS only get a 308 to the same URL on this router's HTTPS
 * port (308 keeps the method and body, unlike 301). Without an HTTPS listener the app is served as
 * usual, and the router says so once per app.
 */
public final class HttpsRedirect {

    private static final Logger log = LoggerFactory.getLogger(HttpsRedirect.class);

    private final Set<AppId> warned = ConcurrentHashMap.newKeySet();
    /** The bound HTTPS port, or -1 while there is no HTTPS listener. */
    private volatile int httpsPort = -1;

    /** The HTTPS listener is bound to this port: redirects may go there. */
    public void listening(int port) {
        httpsPort = port;
    }

    /**
     * The redirect for a plain-HTTP request, or null when it should be served as usual.
     *
     * @param viaProxy the request came through a trusted load balancer: https is on its default port (443), not on
     *                 this router's
     */
    FullHttpResponse response(AppRoute route, String host, String uri, String requestId, ByteBufAllocator alloc,
                              boolean viaProxy) {
        int port = httpsPort;
        if (!route.httpsOnly() || port < 0) {
            return null;
        }
        String location = location(host, uri, viaProxy ? 443 : port);
        if (location == null) {
            return null;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT,
                Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.LOCATION, location);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (requestId != null) {
            r.headers().set(ProxyHeaders.X_REQUEST_ID, requestId);
        }
        return r;
    }

    /**
     * {@code https://host[:port]/path?query} for a request's Host and target (origin or absolute form); the
     * port is left out when it is 443. Null when the host is not a plain DNS name.
     */
    static String location(String hostHeader, String uri, int httpsPort) {
        String host = HostNames.normalize(hostHeader);
        if (host.isEmpty() || !host.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
                || c == '.')) {
            return null;
        }
        return "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + pathAndQuery(uri);
    }

    private static String pathAndQuery(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme > 0) {
            int path = uri.indexOf('/', scheme + 3);
            int query = uri.indexOf('?', scheme + 3);
            if (path >= 0 && (query < 0 || path < query)) {
                return uri.substring(path);
            }
            return query >= 0 ? "/" + uri.substring(query) : "/";
        }
        return "/"; // "*" of OPTIONS, or nonsense
    }

    /** A new table: apps that want HTTPS only while this router has no HTTPS listener are named once. */
    public void tableChanged(RouteTable table) {
        if (httpsPort >= 0) {
            return;
        }
        for (String host : table.hosts()) {
            AppRoute route = table.lookup(host.startsWith("*.") ? "x" + host.substring(1) : host);
            if (route != null && route.httpsOnly() && warned.add(route.app())) {
                log.warn("event=route.https-only-without-https app={} effect=\"served over plain HTTP too\" "
                        + "fix=\"start the router with --https-port and a certificate\"", route.app());
            }
        }
    }
}
