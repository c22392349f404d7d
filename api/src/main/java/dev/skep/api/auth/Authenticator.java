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

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Authenticator.class);

    private static final String HOW = "send `Authorization: Bearer TOKEN`, or use curl -u USER:TOKEN; "
            + "the admin token is in <data-dir>/admin.token";

    private final UserStore users;
    private final Clock clock;
    private final AuthThrottle throttle;

    public Authenticator(UserStore users, Clock clock) {
        this(users, clock, new AuthThrottle(AuthThrottle.Policy.defaults(), clock));
    }

    public Authenticator(UserStore users, Clock clock, AuthThrottle throttle) {
        this.users = users;
        this.clock = clock;
        this.throttle = throttle;
    }

    /**
     * As {@link #authenticate(String)}, for a request from {@code address}: an address that sent
     * too many bad tokens gets 429 (its token is not even looked at); a missing token is not a
     * guess and does not count.
     */
    public Principal authenticate(String authorization, String address) {
        throttle.retryAfter(address).ifPresent(wait -> {
            throw new TooManyFailures(wait);
        });
        if (authorization == null || authorization.isBlank()) {
            return authenticate(authorization);
        }
        try {
            Principal who = authenticate(authorization);
            throttle.succeeded(address);
            return who;
        } catch (SkepException e) {
            java.time.Duration blocked = throttle.failed(address);
            if (!blocked.isZero()) {
                log.warn("event=auth.throttled from={} blocked_ms={}", address, blocked.toMillis());
            }
            throw e;
        }
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
