package dev.skep.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * ADDR:PORT as an operator writes it for the edge ("0.0.0.0:80", "[::]:443", ":80" for every IPv4 address).
 * Literal addresses only: the edge's config must not depend on DNS at reload time.
 *
 * @param host the address, "" for all
 * @param port 1-65535
 */
record ListenAddress(String host, int port) {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    static ListenAddress parse(String flag, String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(flag + " '" + text + "' has no port; write ADDR:PORT, e.g. 0.0.0.0:80");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(flag + " '" + text + "' has no port in 1-65535; write ADDR:PORT, e.g. "
                    + "0.0.0.0:80");
        }
        if (!host.isEmpty() && !isLiteralIp(host)) {
            throw new IllegalArgumentException(flag + " '" + text + "': '" + host + "' is not an IP address (names are "
                    + "not looked up); write e.g. 0.0.0.0:80 or [::]:443");
        }
        return new ListenAddress(host, port);
    }

    /** An IPv4 or IPv6 literal (never looked up in DNS). */
    static boolean isLiteralIp(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (s.indexOf(':') < 0 || !s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return false;
        }
        try {
            InetAddress.getByName(s); // with a ':' and hex digits only: parsed, never resolved
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** As HAProxy reads it: IPv6 in brackets. */
    String haproxy() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
