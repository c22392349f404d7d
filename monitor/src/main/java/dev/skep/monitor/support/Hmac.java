package dev.skep.monitor.support;

import dev.skep.model.hash.Sha256;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** HMAC-SHA256 and constant-time comparison: the monitor's only cryptography. */
public final class Hmac {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Hmac() {
    }

    public static byte[] sha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    public static String sha256Hex(byte[] key, byte[] data) {
        return HexFormat.of().formatHex(sha256(key, data));
    }

    /**
     * Compares in time independent of where the strings differ and of their lengths: both are hashed first and the
     * fixed-length digests compared with {@link MessageDigest#isEqual}.
     */
    public static boolean equalsConstantTime(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(Sha256.of(a), Sha256.of(b));
    }

    /** A fresh random key, e.g. for a new install's heartbeat or webhook secret. */
    public static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
