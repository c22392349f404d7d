package dev.skep.model.view;

/** GET /v1/whoami: who the token belongs to. */
public record Whoami(String user, boolean admin, String tokenId) {
}
