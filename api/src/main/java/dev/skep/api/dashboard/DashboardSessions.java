package dev.skep.api.dashboard;

import dev.skep.api.auth.Principal;
import dev.skep.api.auth.Tokens;
import dev.skep.model.SkepException;
import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's one-time login links and browser sessions. Both are bound to the token that made them: a
 * session acts as that token's user, with no more than that user's rights now, and ends when the token is
 * revoked or expires, or the user is removed. Only sha256 hashes of codes and session ids are kept, in memory
 * (a restart of the controller logs everyone out).
 */
public final class DashboardSessions {

    private static final Logger log = LoggerFactory.getLogger(DashboardSessions.class);

    /** How long a login link works: long enough to open it, too short to be worth stealing from a terminal. */
    public static final Duration LINK_LIFETIME = Duration.ofMinutes(2);
    /** A session's longest life, whatever its use. */
    public static final Duration SESSION_LIFETIME = Duration.ofHours(8);
    /** A session unused this long ends. */
    public static final Duration IDLE_LIFETIME = Duration.ofHours(1);

    private static final int MAX_LINKS = 10_000;
    private static final int MAX_SESSIONS = 10_000;

    /** A login link not yet used. */
    private record Link(String user, String tokenId, boolean admin, Instant expires) {
    }

    /** A login link's fate, kept until it would have expired, so a second use is told what happened. */
    private record Used(Instant expires) {
    }

    private record Session(String user, String tokenId, boolean admin, String csrf, Instant expires,
                           Instant lastUsed) {
        Session used(Instant now) {
            return new Session(user, tokenId, admin, csrf, expires, now);
        }
    }

    /** What the browser gets when it logs in: the cookie's value and the CSRF token its writes must echo. */
    public record Opened(String sessionId, String csrf, String user, boolean admin, Instant expires) {
    }

    /** Who a session is, as its login answers (never the session id itself, which only the cookie holds). */
    public record Current(String user, boolean admin, String csrf, Instant expires) {
    }

    private final UserStore users;
    private final Clock clock;
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<String, Used> used = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public DashboardSessions(UserStore users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    /** A new one-time login code for {@code who}, valid for {@link #LINK_LIFETIME}. */
    public String newLink(Principal who) {
        sweep();
        if (links.size() >= MAX_LINKS) {
            throw new SkepException(SkepException.Kind.TOO_MANY, "too many unused login links",
                    "wait two minutes for them to expire");
        }
        String code = Tokens.newToken().substring(4);
        links.put(Tokens.sha256(code), new Link(who.user(), who.tokenId(), who.admin(), clock.instant().plus(LINK_LIFETIME)));
        log.info("event=dashboard.link user={} token={}", who.user(), who.tokenId());
        return code;
    }

    /** Exchanges a login code for a session: once only, within its lifetime, while its token lives. */
    public Opened redeem(String code) {
        if (code == null || code.isBlank()) {
            throw refused("no login code", "open the link `skep dashboard` prints, or log in with a token");
        }
        String hash = Tokens.sha256(code.trim());
        Link link = links.remove(hash); // atomic: of two concurrent uses, one gets it
        Instant now = clock.instant();
        if (link == null) {
            throw used.containsKey(hash)
                    ? refused("this login link was already used", "login links work once; run `skep dashboard` again")
                    : refused("unknown login link", "run `skep dashboard` for a new one");
        }
        used.put(hash, new Used(link.expires()));
        if (!now.isBefore(link.expires())) {
            throw refused("this login link expired", "login links work for 2 minutes; run `skep dashboard` again");
        }
        return open(link.user(), link.tokenId(), link.admin());
    }

    /** A session for a caller who typed a token into the login form (already checked by the authenticator). */
    public Opened open(Principal who) {
        return open(who.user(), who.tokenId(), who.admin());
    }

    private Opened open(String user, String tokenId, boolean admin) {
        sweep();
        Instant now = clock.instant();
        UserRecord.Token token = liveToken(user, tokenId)
                .orElseThrow(() -> refused("the token of this login was revoked", "log in with a live token"));
        if (sessions.size() >= MAX_SESSIONS) {
            throw new SkepException(SkepException.Kind.TOO_MANY, "too many dashboard sessions",
                    "log out of unused ones or wait for them to expire");
        }
        Instant expires = now.plus(SESSION_LIFETIME);
        if (token.expires() != null && token.expires().isBefore(expires)) {
            expires = token.expires();
        }
        String id = Tokens.newToken().substring(4);
        String csrf = Tokens.newToken().substring(4);
        sessions.put(Tokens.sha256(id), new Session(user, tokenId, admin, csrf, expires, now));
        log.info("event=dashboard.login user={} token={}", user, tokenId);
        return new Opened(id, csrf, user, admin, expires);
    }

    /**
     * The principal of a session cookie. Every request must carry the session's CSRF token too, reads included:
     * a browser sends a cookie to every port of its host, so an app listening on another port of the same
     * address could collect it; the token lives in the page's origin (port included) only, so the cookie alone
     * is worth nothing. The user's rights are re-read: a session never has more than its token has now.
     */
    public Principal principal(String sessionId, String csrfHeader) {
        String hash = Tokens.sha256(sessionId);
        Session session = sessions.get(hash);
        Instant now = clock.instant();
        if (session == null) {
            throw refused("no such dashboard session", "log in again: `skep dashboard`");
        }
        if (!now.isBefore(session.expires()) || !now.isBefore(session.lastUsed().plus(IDLE_LIFETIME))) {
            sessions.remove(hash);
            throw refused("dashboard session expired", "log in again: `skep dashboard`");
        }
        Optional<UserRecord> user = users.user(session.user());
        if (user.isEmpty() || liveToken(user.get(), session.tokenId()).isEmpty()) {
            sessions.remove(hash);
            log.info("event=dashboard.session-ended user={} token={} why=token-gone", session.user(), session.tokenId());
            throw refused("the token of this session was revoked or expired", "log in again with a live token");
        }
        if (!Tokens.sameSecret(csrfHeader, session.csrf())) {
            throw new SkepException(SkepException.Kind.FORBIDDEN,
                    "missing or wrong " + DashboardRoutes.CSRF_HEADER + " header",
                    "a request with a dashboard session must echo the CSRF token its login answered; log in again if it is lost");
        }
        sessions.put(hash, session.used(now));
        return new Principal(session.user(), session.admin() && user.get().admin(), session.tokenId());
    }

    /** Ends a session (log out). */
    public void close(String sessionId) {
        Session gone = sessions.remove(Tokens.sha256(sessionId));
        if (gone != null) {
            log.info("event=dashboard.logout user={} token={}", gone.user(), gone.tokenId());
        }
    }

    private Optional<UserRecord.Token> liveToken(String user, String tokenId) {
        return users.user(user).flatMap(u -> liveToken(u, tokenId));
    }

    private Optional<UserRecord.Token> liveToken(UserRecord user, String tokenId) {
        Instant now = clock.instant();
        return user.tokens().stream()
                .filter(t -> t.id().equals(tokenId) && (t.expires() == null || t.expires().isAfter(now)))
                .findFirst();
    }

    /** Forgets expired links, the record of used ones and dead sessions. */
    private void sweep() {
        Instant now = clock.instant();
        links.values().removeIf(l -> !now.isBefore(l.expires()));
        used.values().removeIf(u -> !now.isBefore(u.expires()));
        sessions.values().removeIf(s -> !now.isBefore(s.expires()) || !now.isBefore(s.lastUsed().plus(IDLE_LIFETIME)));
    }

    private static SkepException refused(String why, String what) {
        return new SkepException(SkepException.Kind.UNAUTHORIZED, "unauthorized: " + why, what);
    }
}
