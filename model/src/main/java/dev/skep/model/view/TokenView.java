package dev.skep.model.view;

import java.time.Instant;

/**
 * A token as the API shows it. {@code token} (the value) is set only in the answer that created
 * it, once; {@code expires} is null for a token that does not expire.
 */
public record TokenView(String id, String user, Instant created, Instant expires, String token) {
}
