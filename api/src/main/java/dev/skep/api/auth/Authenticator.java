package dev.skep.api.auth;

import dev.skep.model.SkepException;
import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks `Authorization: Bearer TOKEN`, or basic auth with the token as password (so curl's
 * `-u user:TOKEN` works; the user part, when given, must match the token's owner).
 */
public final class Authenticator {

    private static final String HOW = "send `Authorization: Bearer TOKEN`, or use curl -u USER:TOKEN; "
            + "the admin token is in <data-dir>/admin.token";

    private final UserStore users;
    private final Clock clock;

    public Authenticator(UserStore users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    public Principal authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized("missing token");
        }
        String claimedUser = null;
        String token;
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7).trim();
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
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
            claimedUser = decoded.substring(0, colon);
            token = decoded.substring(colon + 1);
        } else {
            throw unauthorized("unsupported authorization scheme");
        }
        return verify(token, claimedUser).orElseThrow(() -> unauthorized("invalid token"));
    }

    private Optional<Principal> verify(String token, String claimedUser) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        String hash = Tokens.sha256(token);
        // Every user is checked, whatever matched, so the time taken says nothing about which.
        Principal found = null;
        for (UserRecord user : users.users()) {
            for (UserRecord.Token t : user.tokens()) {
                boolean live = t.expires() == null || t.expires().isAfter(clock.instant());
                if (Tokens.sameHash(t.sha256(), hash) && live) {
                    found = new Principal(user.name(), user.admin(), t.id());
                }
            }
        }
        if (found != null && claimedUser != null && !claimedUser.isEmpty() && !claimedUser.equals(found.user())
                && !found.admin()) {
            return Optional.empty();
        }
        return Optional.ofNullable(found);
    }

    private static SkepException unauthorized(String why) {
        return new SkepException(SkepException.Kind.UNAUTHORIZED, "unauthorized: " + why, HOW);
    }
}
