package dev.skep.api.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How {@code git push} authenticates: basic auth whose password is the token. Here rather than beside the git
 * routes because the API's before-handler and error mapper apply it to every /git/ path.
 */
public final class GitAuth {

    /** Where git's smart HTTP routes live. */
    public static final String PREFIX = "/git/";
    /** What a 401 under {@link #PREFIX} carries, so git asks for credentials (or its credential helper). */
    public static final String CHALLENGE = "Basic realm=\"skep\"";

    private GitAuth() {
    }

    /**
     * git sends a user name and a password; skep knows tokens only, so basic credentials become the token alone
     * and any user name works (git prompts for one). Other headers pass unchanged.
     */
    public static String tokenOnly(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return authorization;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? authorization : "Bearer " + decoded.substring(colon + 1);
        } catch (IllegalArgumentException malformed) {
            return authorization; // the authenticator says what is wrong with it
        }
    }
}
