package dev.skep.route.proxy;

import dev.skep.route.HostNames;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.net.URI;
import java.util.List;

/**
 * The host a request is for, by RFC 9112 section 3.2: exactly one Host header, and an absolute-form
 * target ("GET http://a.test/ HTTP/1.1") must name the same authority as that header. Anything else
 * is refused (400): the router and the app behind it could otherwise each pick a different host,
 * one tenant's name for routing and another's for the app.
 */
final class RequestHost {

    private RequestHost() {
    }

    /** The host to route by, or null when the request must be answered 400. */
    static String of(HttpRequest req) {
        List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return null;
        }
        String host = hosts.isEmpty() ? null : hosts.get(0).trim();
        String uri = req.uri();
        if (!absolute(uri)) {
            return host == null || host.isEmpty() ? null : host;
        }
        String authority;
        try {
            authority = URI.create(uri).getRawAuthority();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (authority == null || authority.isEmpty() || authority.indexOf('@') >= 0) {
            return null; // no host, or userinfo (never sent by a real client, a classic confusion vector)
        }
        if (host == null || host.isEmpty()) {
            return authority; // HTTP/1.0 style: the target alone names the host
        }
        int defaultPort = uri.regionMatches(true, 0, "https://", 0, 8) ? 443 : 80;
        return sameAuthority(host, authority, defaultPort) ? host : null;
    }

    private static boolean absolute(String uri) {
        return uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8);
    }

    /** Same host name (case and trailing dot aside) and same port, a missing port being the scheme's. */
    static boolean sameAuthority(String a, String b, int defaultPort) {
        return HostNames.normalize(a).equals(HostNames.normalize(b))
                && port(a, defaultPort) == port(b, defaultPort);
    }

    /** The port of "host:port" or "[v6]:port"; the default when none; -1 when not a number. */
    private static int port(String authority, int defaultPort) {
        String a = authority.trim();
        int close = a.lastIndexOf(']');
        int colon = a.lastIndexOf(':');
        if (colon < 0 || colon < close) {
            return defaultPort;
        }
        String p = a.substring(colon + 1);
        if (p.isEmpty()) {
            return defaultPort;
        }
        if (p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(p);
    }
}
