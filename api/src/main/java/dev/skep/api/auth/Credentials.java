package dev.skep.api.auth;

import dev.skep.model.SkepException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * What a request presented in its Authorization header: `Bearer TOKEN`, or basic auth with the token as
 * password (curl's `-u user:TOKEN`).
 *
 * @param claimedUser the basic user part, or null
 */
record Credentials(String claimedUser, String token) {

    private static final Pattern USER = Pattern.compile("[a-z0-9-]{1,40}");

    static final String HOW = "send `Authorization: Bearer TOKEN`, or use curl -u USER:TOKEN; "
            + "the admin token is in <data-dir>/admin.token";

    /** Parses the header; a missing, malformed or unsupported one is a 401 that says which. */
    static Credentials parse(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized("missing token");
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Credentials(null, authorization.substring(7).trim());
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw unauthorized("malformed basic credentials");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw unauthorized("malformed basic credentials");
            }
            return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
        }
        throw unauthorized("unsupported authorization scheme");
    }

    /**
     * The key the throttle counts failures of what was presented under: the claimed user when there is one (so
     * guessing one user's token from many addresses is slowed down), else a hash of the token (one bad token
     * replayed). Never the token itself.
     */
    static String throttleKey(String authorization) {
        try {
            Credentials c = parse(authorization);
            String user = c.claimedUser();
            if (user != null && !user.isEmpty()) {
                // a user name as is (readable in the log); anything else hashed, so it is short and safe to log
                return isUserName(user) ? "user:" + user : "user#" + Tokens.sha256(user).substring(0, 16);
            }
            return "token:" + Tokens.sha256(c.token()).substring(0, 16);
        } catch (SkepException malformed) {
            return "header:" + Tokens.sha256(authorization).substring(0, 16);
        }
    }

    static SkepException unauthorized(String why) {
        return unauthorized(why, HOW);
    }

    static SkepException unauthorized(String why, String detail) {
        return new SkepException(SkepException.Kind.UNAUTHORIZED, "unauthorized: " + why, detail);
    }

    /** Whether a claimed user is a user name a message may quote (anything else, of any length, is not). */
    static boolean isUserName(String claimedUser) {
        return USER.matcher(claimedUser).matches();
    }
}
