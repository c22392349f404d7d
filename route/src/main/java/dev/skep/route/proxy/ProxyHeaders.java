package dev.skep.route.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header rewriting at the edge: hop-by-hop headers dropped, every incoming forwarding header
 * stripped (clients are untrusted) and replaced with what this router saw, a request id kept or made.
 */
public final class ProxyHeaders {

    public static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    /** Added by Netty's HTTP/2 to HTTP/1 conversion; meaningless to a backend. */
    static final AsciiString H2_STREAM_ID = AsciiString.cached("x-http2-stream-id");
    static final AsciiString H2_SCHEME = AsciiString.cached("x-http2-scheme");

    /**
     * Hop-by-hop headers besides Connection itself: they describe one connection, never the message.
     * The one list for both directions ({@link #dropHopByHop} and {@link ResponseReader}).
     */
    static final List<AsciiString> HOP_BY_HOP = List.of(HttpHeaderNames.KEEP_ALIVE,
            PROXY_CONNECTION, HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.PROXY_AUTHENTICATE);

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ProxyHeaders() {
    }

    /** The client's id if it is short and plain, else a fresh random one. */
    public static String requestId(String incoming) {
        if (incoming != null && !incoming.isEmpty() && incoming.length() <= 128 && plain(incoming)) {
            return incoming;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo = r.nextLong();
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
            out[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
        }
        return new String(out);
    }

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == ':' || c == '+' || c == '/' || c == '=')) {
                return false;
            }
        }
        return true;
    }

    /** True for a websocket (or other) upgrade request the backend should see as such. */
    public static boolean isUpgrade(HttpHeaders h) {
        return h.contains(HttpHeaderNames.UPGRADE)
                && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * Rewrites a request's headers in place for the backend.
     *
     * @param client    the peer address of the client connection
     * @param tls       whether the client connection is HTTPS
     * @param localPort the router port the client connected to
     */
    public static void forRequest(HttpHeaders h, InetSocketAddress client, boolean tls, int localPort,
                                  String requestId) {
        boolean upgrade = isUpgrade(h);
        String upgradeTo = upgrade ? h.get(HttpHeaderNames.UPGRADE) : null;
        dropHopByHop(h);
        if (upgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            h.set(HttpHeaderNames.UPGRADE, upgradeTo);
        }
        String host = h.get(HttpHeaderNames.HOST);
        h.remove(X_FORWARDED_FOR).remove(X_FORWARDED_PROTO).remove(X_FORWARDED_HOST).remove(X_FORWARDED_PORT)
                .remove(X_REAL_IP).remove(FORWARDED);
        String ip = client == null ? "unknown" : ipOf(client);
        String proto = tls ? "https" : "http";
        h.set(X_FORWARDED_FOR, ip);
        h.set(X_FORWARDED_PROTO, proto);
        if (host != null) {
            h.set(X_FORWARDED_HOST, host);
        }
        h.set(X_FORWARDED_PORT, localPort);
        StringBuilder fwd = new StringBuilder(64).append("for=");
        if (client != null && client.getAddress() instanceof Inet6Address) {
            fwd.append("\"[").append(ip).append("]\"");
        } else {
            fwd.append(ip);
        }
        if (host != null && plain(host)) {
            fwd.append(";host=").append(host);
        } else if (host != null) {
            fwd.append(";host=\"").append(host.replace("\\", "").replace("\"", "")).append('"');
        }
        fwd.append(";proto=").append(proto);
        h.set(FORWARDED, fwd.toString());
        h.set(X_REQUEST_ID, requestId);
        h.remove(H2_STREAM_ID).remove(H2_SCHEME);
    }

    /** Rewrites a response's headers in place for the client (hop-by-hop dropped, request id added). */
    public static void forResponse(HttpHeaders h, boolean switching, String requestId) {
        String upgradeTo = switching ? h.get(HttpHeaderNames.UPGRADE) : null;
        dropHopByHop(h);
        if (switching && upgradeTo != null) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            h.set(HttpHeaderNames.UPGRADE, upgradeTo);
        }
        if (!h.contains(X_REQUEST_ID)) {
            h.set(X_REQUEST_ID, requestId);
        }
    }

    /**
     * Removes the headers that describe one connection, including those the Connection header
     * names. Transfer-Encoding is kept: the codec re-frames chunked bodies on the other side.
     */
    static void dropHopByHop(HttpHeaders h) {
        for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && !t.equalsIgnoreCase("transfer-encoding")) {
                    h.remove(t);
                }
            }
        }
        h.remove(HttpHeaderNames.CONNECTION);
        for (AsciiString name : HOP_BY_HOP) {
            h.remove(name);
        }
    }

    static String ipOf(InetSocketAddress a) {
        if (a.getAddress() == null) {
            return a.getHostString();
        }
        String ip = a.getAddress().getHostAddress();
        int zone = ip.indexOf('%');
        return zone < 0 ? ip : ip.substring(0, zone);
    }
}
