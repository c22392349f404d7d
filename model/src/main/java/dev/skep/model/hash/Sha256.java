package dev.skep.model.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, which every JDK must offer: callers need not handle {@link NoSuchAlgorithmException} each (tokens, slugs,
 * build caches, sticky-session keys, domain proofs, webhook signatures).
 */
public final class Sha256 {

    private Sha256() {
    }

    /** A fresh digest to feed. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK lacks SHA-256, which every JDK must offer", e);
        }
    }

    /** The digest of the text's UTF-8 bytes. */
    public static byte[] of(String text) {
        return newDigest().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
