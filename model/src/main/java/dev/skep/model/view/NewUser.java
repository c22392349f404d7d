package dev.skep.model.view;

/** Body of POST /v1/users; {@code expires} ("30d", "12h", "PT1H") is the first token's lifetime. */
public record NewUser(String name, Boolean admin, String expires) {
}
