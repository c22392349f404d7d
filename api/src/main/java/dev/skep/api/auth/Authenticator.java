package dev.skep.api.auth;

import dev.skep.model.SkepException;
import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks `Authorization: Bearer TOKEN`, or basic auth with the token as password (so curl's
 * `-u user:TOKEN` works; the user part, when given, must match the token's owner).
 */
public final class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    private final UserStore users;
    private final Clock clock;
    private final AuthThrottle byAddress;
    private final AuthThrottle byPresented;

    public Authenticator(UserStore users, Clock clock) {
        this(users, clock, new AuthThrottle(AuthThrottle.Policy.defaults(), clock),
                new AuthThrottle(AuthThrottle.Policy.defaults(), clock));
    }

    /**
     * @param byAddress   failures counted per client address
     * @param byPresented failures counted per presented user or token (a table of its own, so an attacker
     *                    inventing tokens cannot evict the address records)
     */
    public Authenticator(UserStore users, Clock clock, AuthThrottle byAddress, AuthThrottle byPresented) {
        this.users = users;
        this.clock = clock;
        this.byAddress = byAddress;
        this.byPresented = byPresented;
    }

    /**
     * As {@link #authenticate(String)}, for a request from {@code address}. The token is checked first: a
     * valid token is never throttled, so nobody's bad tokens from a shared address (an app on this host) lock
     * out the admin. A bad token from an address, or for a user or token, that failed too often gets 429
     * instead of 401, and is not counted while blocked; a missing token is not a guess and never counts. A good
     * token clears the record of what it presented, not that of its address, so a tenant's own good token
     * cannot reset its guessing budget.
     */
    public Principal authenticate(String authorization, String address) {
        if (authorization == null || authorization.isBlank()) {
            return authenticate(authorization);
        }
        String presented = Credentials.throttleKey(authorization);
        try {
            Principal who = authenticate(authorization);
            byPresented.succeeded(presented);
            return who;
        } catch (SkepException e) {
            Optional<Duration> wait = longer(byAddress.retryAfter(address), byPresented.retryAfter(presented));
            if (wait.isPresent()) {
                throw new TooManyFailures(wait.get());
            }
            Duration blocked = longer(Optional.of(byAddress.failed(address)), Optional.of(byPresented.failed(presented)))
                    .orElseThrow();
            if (!blocked.isZero()) {
                log.warn("event=auth.throttled from={} presented={} blocked_ms={}", address, presented,
                        blocked.toMillis());
            }
            throw e;
        }
    }

    public Principal authenticate(String authorization) {
        Credentials presented = Credentials.parse(authorization);
        return verify(presented.token(), presented.claimedUser())
                .orElseThrow(() -> Credentials.unauthorized("invalid token"));
    }

    private Optional<Principal> verify(String token, String claimedUser) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        String hash = Tokens.sha256(token);
        // Every token of every user is compared (fixed-length hashes, MessageDigest.isEqual), whatever matched,
        // so the time taken says nothing about which token or how much of it matched.
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
            // the token is valid, so whose it is is the caller's to know (whoami says it too); an invalid one
            // says nothing beyond "invalid token"
            throw Credentials.unauthorized("the token is " + found.user() + "'s, not "
                    + (Credentials.isUserName(claimedUser) ? claimedUser + "'s" : "that user name's"),
                    "use -u " + found.user() + ":TOKEN, or `Authorization: Bearer TOKEN`");
        }
        return Optional.ofNullable(found);
    }

    private static Optional<Duration> longer(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().compareTo(b.get()) >= 0 ? a.get() : b.get());
    }
}
