package dev.skep.route.proxy;

import dev.skep.route.TrustedProxies;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.InetSocketAddress;

/**
 * The forwarding headers a backend sees. From an untrusted peer (anyone, unless {@code --trusted-proxies}
 * names it) every incoming X-Forwarded-*, X-Real-IP and Forwarded is replaced by what this router saw
 * ({@link ProxyHeaders#forRequest}). From a trusted proxy the chain goes on: its X-Forwarded-For gets the
 * peer appended, its X-Forwarded-Proto/Host/Port and X-Real-IP are kept, its Forwarded gets this hop appended.
 */
public final class ForwardedHeaders {

    private ForwardedHeaders() {
    }

    /** Rewrites a request's headers for the backend, as {@link ProxyHeaders#forRequest}, trusting what the ranges name. */
    public static void forRequest(HttpHeaders h, InetSocketAddress client, boolean tls, int localPort,
                                  String requestId, TrustedProxies trusted) {
        if (!trusted.contains(client)) {
            ProxyHeaders.forRequest(h, client, tls, localPort, requestId);
            return;
        }
        String forwardedFor = joined(h, ProxyHeaders.X_FORWARDED_FOR);
        String proto = h.get(ProxyHeaders.X_FORWARDED_PROTO);
        String host = h.get(ProxyHeaders.X_FORWARDED_HOST);
        String port = h.get(ProxyHeaders.X_FORWARDED_PORT);
        String realIp = h.get(ProxyHeaders.X_REAL_IP);
        String forwarded = joined(h, ProxyHeaders.FORWARDED);
        ProxyHeaders.forRequest(h, client, tls, localPort, requestId);
        if (forwardedFor != null) {
            h.set(ProxyHeaders.X_FORWARDED_FOR, forwardedFor + ", " + h.get(ProxyHeaders.X_FORWARDED_FOR));
        }
        keep(h, ProxyHeaders.X_FORWARDED_PROTO, proto);
        keep(h, ProxyHeaders.X_FORWARDED_HOST, host);
        keep(h, ProxyHeaders.X_FORWARDED_PORT, port);
        keep(h, ProxyHeaders.X_REAL_IP, realIp);
        if (forwarded != null) {
            h.set(ProxyHeaders.FORWARDED, forwarded + ", " + h.get(ProxyHeaders.FORWARDED));
        }
    }

    /** All values of a header as one comma-separated list (a proxy may send it several times), or null. */
    private static String joined(HttpHeaders h, CharSequence name) {
        var all = h.getAll(name);
        if (all.isEmpty()) {
            return null;
        }
        String value = all.size() == 1 ? all.get(0).trim() : String.join(", ", all).trim();
        return value.isEmpty() ? null : value;
    }

    private static void keep(HttpHeaders h, CharSequence name, String incoming) {
        if (incoming != null && !incoming.isBlank()) {
            h.set(name, incoming);
        }
    }
}
