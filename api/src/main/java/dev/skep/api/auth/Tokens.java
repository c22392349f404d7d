package dev.skep.api.auth;

import dev.skep.model.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** API tokens: 256 random bits, shown once, stored only as a sha256. */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "skp_" + HexFormat.of().formatHex(bytes);
    }

    public static String newTokenId() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static String sha256(String token) {
        return HexFormat.of().formatHex(Sha256.of(token));
    }

    /** Constant-time comparison of two hex hashes. */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Whether a presented secret equals the expected one, in time that depends on neither where they differ nor
     * the presented length: both are hashed first, and the fixed-length hashes compared with
     * {@link MessageDigest#isEqual}.
     */
    public static boolean sameSecret(String presented, String expected) {
        if (presented == null || expected == null) {
            return false;
        }
        return sameHash(sha256(presented), sha256(expected));
    }
}
