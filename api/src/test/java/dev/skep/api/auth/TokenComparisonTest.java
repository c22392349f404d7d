package dev.skep.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Token comparison in constant time (issue 10, "not yet tried"). Timing itself is too noisy to measure on a shared
 * box, so this pins the code-level guarantee instead: whatever is presented is hashed to a fixed length first
 * and compared with MessageDigest.isEqual, so neither a matching prefix nor the presented length changes the
 * work done.
 */
class TokenComparisonTest {

    @Test
    void storedHashesAreComparedWhole() {
        String token = Tokens.newToken();
        String hash = Tokens.sha256(token);
        assertThat(hash).hasSize(64);
        assertThat(Tokens.sameHash(hash, Tokens.sha256(token))).isTrue();
        // same first 63 characters, last one differs: still unequal
        String almost = hash.substring(0, 63) + (hash.charAt(63) == '0' ? '1' : '0');
        assertThat(Tokens.sameHash(hash, almost)).isFalse();
        assertThat(Tokens.sameHash(hash, hash.substring(0, 32))).isFalse();
    }

    @Test
    void presentedSecretsOfAnyLengthAreHashedBeforeTheyAreCompared() {
        String expected = "Bearer " + Tokens.newToken();
        assertThat(Tokens.sameSecret(expected, expected)).isTrue();
        assertThat(Tokens.sameSecret(expected.substring(0, expected.length() - 1), expected)).isFalse();
        assertThat(Tokens.sameSecret(expected + "x", expected)).isFalse();
        assertThat(Tokens.sameSecret("", expected)).isFalse();
        assertThat(Tokens.sameSecret(null, expected)).isFalse();
        assertThat(Tokens.sameSecret("x".repeat(100_000), expected)).isFalse();
    }
}
