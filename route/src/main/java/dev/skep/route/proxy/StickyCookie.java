package dev.skep.route.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The router's sticky-session cookie, as HAProxy's {@code cookie SRV insert indirect nocache}: set by the router,
 * taken out of the request before it reaches the app (the app never sees it, its own cookies pass as they came),
 * and sent with a {@code Cache-Control: no-cache="set-cookie"} so a shared cache never hands one client's cookie
 * to another. A session cookie (no Expires), HttpOnly, SameSite=Lax, Secure when the client came over HTTPS.
 */
public final class StickyCookie {

    public static final String NAME = "skep_sticky";
    private static final String PREFIX = NAME + "=";

    private StickyCookie() {
    }

    /**
     * Removes the sticky cookie from the request's Cookie headers, keeping the other cookies in their order, and
     * returns its value (the first one, if a client sent several), or null when there was none.
     */
    public static String take(HttpHeaders h) {
        List<String> cookies = h.getAll(HttpHeaderNames.COOKIE);
        if (cookies.isEmpty()) {
            return null;
        }
        String value = null;
        boolean found = false;
        List<String> kept = new ArrayList<>(cookies.size());
        for (String header : cookies) {
            if (!header.contains(PREFIX)) {
                kept.add(header);
                continue;
            }
            StringBuilder rest = new StringBuilder(header.length());
            for (String pair : header.split(";")) {
                String p = pair.trim();
                if (p.startsWith(PREFIX)) {
                    found = true;
                    if (value == null) {
                        value = unquote(p.substring(PREFIX.length()).trim());
                    }
                } else if (!p.isEmpty()) {
                    rest.append(rest.isEmpty() ? "" : "; ").append(p);
                }
            }
            if (!rest.isEmpty()) {
                kept.add(rest.toString());
            }
        }
        if (found) {
            h.remove(HttpHeaderNames.COOKIE);
            for (String header : kept) {
                h.add(HttpHeaderNames.COOKIE, header);
            }
        }
        return value;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** The Set-Cookie value that pins a client to the instance with this cookie value. */
    public static String setCookie(String key, boolean secure) {
        return PREFIX + key + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    /** The cache directive sent with it: a cache may keep the response, never the cookie. */
    public static final String CACHE_CONTROL = "no-cache=\"set-cookie\"";

    /** The two header lines, ready for a raw HTTP/1.1 head. */
    static byte[] headLines(String key, boolean secure) {
        return ("set-cookie: " + setCookie(key, secure) + "\r\ncache-control: " + CACHE_CONTROL + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
