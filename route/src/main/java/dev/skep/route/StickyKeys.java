package dev.skep.route;

import dev.skep.model.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The sticky-session cookie's values for one app's serving instances. A value is a hash of the instance id, so
 * every router maps a cookie to the same instance without sharing anything, and the cookie names no address,
 * port, user or release. No secret goes into it: guessing a value only picks one of the app's ready instances,
 * which any client gets by asking again; a secret would have to reach every router for nothing.
 *
 * @param byKey the serving instances by their cookie value
 */
public record StickyKeys(Map<String, Backend> byKey) {

    private static final byte[] DOMAIN = "skep-sticky:".getBytes(StandardCharsets.US_ASCII);

    public StickyKeys {
        byKey = Map.copyOf(byKey);
    }

    public static StickyKeys of(List<Backend> serving) {
        Map<String, Backend> byKey = new HashMap<>();
        for (Backend b : serving) {
            byKey.put(key(b.instance()), b);
        }
        return new StickyKeys(byKey);
    }

    /** The cookie value for an instance: 16 hex digits (64 bits) of SHA-256 over the instance id. */
    public static String key(String instance) {
        MessageDigest sha = Sha256.newDigest();
        sha.update(DOMAIN);
        byte[] digest = sha.digest(instance.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    /** The serving instance a cookie value names, or null (unknown, gone, not ready, of another release). */
    public Backend backend(String key) {
        return key == null ? null : byKey.get(key);
    }
}
