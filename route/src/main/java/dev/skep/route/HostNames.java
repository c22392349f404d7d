package dev.skep.route;

import java.util.Locale;
import java.util.regex.Pattern;

/** The one place that turns a Host header or a configured domain into the key routes are looked up by. */
public final class HostNames {

    private static final Pattern DOMAIN =
            Pattern.compile("(\\*\\.)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    private HostNames() {
    }

    /**
     * A Host header value as a lookup key: lower-cased, port and trailing dot stripped,
     * brackets of an IPv6 literal kept. Returns "" for a missing header.
     */
    public static String normalize(String host) {
        if (host == null) {
            return "";
        }
        String h = host.trim();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            h = close < 0 ? h : h.substring(0, close + 1);
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /**
     * A domain an owner configured: exact ("shop.example.com") or wildcard ("*.example.com").
     * Throws IllegalArgumentException naming the bad value.
     */
    public static String requireDomain(String domain) {
        String d = normalize(domain);
        if (d.length() > 253 || !DOMAIN.matcher(d).matches() || !d.contains(".")) {
            throw new IllegalArgumentException(
                    "domain must look like shop.example.com or *.example.com, found '" + domain + "'");
        }
        if (d.substring(d.lastIndexOf('.') + 1).chars().allMatch(Character::isDigit)) {
            // no top-level domain is all digits: 127.0.0.1 as a "domain" would route Host: 127.0.0.1 to one app
            throw new IllegalArgumentException("domain must be a name, not an IP address, found '" + domain + "'");
        }
        return d;
    }

    public static boolean isWildcard(String domain) {
        return domain.startsWith("*.");
    }
}
