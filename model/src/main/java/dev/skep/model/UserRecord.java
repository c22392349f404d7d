package dev.skep.model;

import java.time.Instant;
import java.util.List;

/** A user and the hashes of its tokens (never the tokens themselves). */
public record UserRecord(String name, boolean admin, List<Token> tokens, Instant created) {

    public UserRecord {
        AppId.requireName("user", name);
        tokens = List.copyOf(tokens);
    }

    /** @param sha256 hex sha256 of the token; tokens carry >= 128 random bits, so a fast hash is enough */
    public record Token(String id, String sha256, Instant created, Instant expires) {
    }
}
