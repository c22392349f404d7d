package dev.skep.model.view;

/** Body of POST /v1/tokens: for {@code user} (default: the caller), living {@code expires} ("30d"). */
public record NewToken(String user, String expires) {
}
