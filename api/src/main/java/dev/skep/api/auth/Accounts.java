package dev.skep.api.auth;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.AppCatalog;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import dev.skep.model.view.TokenView;
import dev.skep.model.view.UserView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Users and their tokens, with the rules of who may do what: an admin manages the users; a user
 * manages its own tokens (an admin, anyone's). Token values are shown once, when made, and
 * stored only as sha256. Nothing here locks every admin out: the last admin, and the last live
 * token of the last admin, cannot be removed.
 */
public record Accounts(UserStore users, AppCatalog state, Clock clock) {

    public List<UserView> list(Principal who) {
        who.requireAdmin();
        return users.users().stream().sorted(Comparator.comparing(UserRecord::name)).map(this::view).toList();
    }

    /** Creates a user with a first token; the answer holds the token's value, the only time it is shown. */
    public TokenView addUser(Principal who, String name, boolean admin, Duration lifetime) {
        who.requireAdmin();
        AppId.requireName("user", name);
        Instant now = clock.instant();
        String token = Tokens.newToken();
        UserRecord.Token t = new UserRecord.Token(newId(), Tokens.sha256(token), now, expiry(now, lifetime));
        users.createUser(new UserRecord(name, admin, List.of(t), now));
        return new TokenView(t.id(), name, t.created(), t.expires(), token);
    }

    public void removeUser(Principal who, String name) {
        who.requireAdmin();
        UserRecord user = require(name);
        if (user.admin() && users.users().stream().filter(UserRecord::admin).count() <= 1) {
            throw new SkepException(Kind.CONFLICT, name + " is the last admin",
                    "make another admin first: skep users add NAME --admin");
        }
        List<String> apps = state.apps().stream().map(AppSpec::id).filter(a -> a.user().equals(name))
                .map(AppId::toString).sorted().toList();
        if (!apps.isEmpty()) {
            throw new SkepException(Kind.CONFLICT, "user " + name + " still has apps: " + String.join(", ", apps),
                    "delete them first (skep delete USER/APP), so nothing runs without an owner");
        }
        users.deleteUser(name);
    }

    /** The tokens of {@code user} (null: the caller's own). */
    public List<TokenView> tokens(Principal who, String user) {
        String owner = ownerFor(who, user);
        return require(owner).tokens().stream().map(t -> view(owner, t)).toList();
    }

    public TokenView addToken(Principal who, String user, Duration lifetime) {
        String owner = ownerFor(who, user);
        Instant now = clock.instant();
        String token = Tokens.newToken();
        UserRecord.Token t = new UserRecord.Token(newId(), Tokens.sha256(token), now, expiry(now, lifetime));
        users.updateUser(owner, u -> new UserRecord(u.name(), u.admin(), append(u.tokens(), t), u.created()));
        return new TokenView(t.id(), owner, t.created(), t.expires(), token);
    }

    /** Revokes a token by id: one of the caller's own, or anyone's for an admin. Returns its owner. */
    public String revoke(Principal who, String id) {
        UserRecord owner = users.users().stream()
                .filter(u -> who.admin() || u.name().equals(who.user()))
                .filter(u -> u.tokens().stream().anyMatch(t -> t.id().equals(id)))
                .findFirst()
                .orElseThrow(() -> SkepException.notFound("no token " + printable(id)
                        + (who.admin() ? "" : " of user " + who.user())));
        if (owner.admin() && lastAdminToken(owner, id)) {
            throw new SkepException(Kind.CONFLICT, "token " + id + " is the last live token of the last admin",
                    "make another token first (skep tokens add), then revoke this one");
        }
        users.updateUser(owner.name(), u -> new UserRecord(u.name(), u.admin(),
                u.tokens().stream().filter(t -> !t.id().equals(id)).toList(), u.created()));
        return owner.name();
    }

    private boolean lastAdminToken(UserRecord owner, String id) {
        Instant now = clock.instant();
        long liveOtherwise = users.users().stream().filter(UserRecord::admin)
                .flatMap(u -> u.tokens().stream())
                .filter(t -> !t.id().equals(id))
                .filter(t -> t.expires() == null || t.expires().isAfter(now))
                .count();
        return liveOtherwise == 0;
    }

    private String ownerFor(Principal who, String user) {
        if (user == null || user.isBlank() || user.equals(who.user())) {
            return who.user();
        }
        if (!who.admin()) {
            throw new SkepException(Kind.FORBIDDEN, "user " + who.user() + " may not manage the tokens of " + printable(user),
                    "users manage only their own tokens; an admin manages all");
        }
        return AppId.requireName("user", user);
    }

    private UserRecord require(String name) {
        AppId.requireName("user", name);
        return users.user(name).orElseThrow(() -> SkepException.notFound("no user " + name));
    }

    /** A token id no user has yet. */
    private String newId() {
        List<String> taken = users.users().stream().flatMap(u -> u.tokens().stream()).map(UserRecord.Token::id).toList();
        while (true) {
            String id = Tokens.newTokenId();
            if (!taken.contains(id)) {
                return id;
            }
        }
    }

    private UserView view(UserRecord u) {
        return new UserView(u.name(), u.admin(), u.created(), u.tokens().stream().map(t -> view(u.name(), t)).toList());
    }

    private static TokenView view(String user, UserRecord.Token t) {
        return new TokenView(t.id(), user, t.created(), t.expires(), null);
    }

    private static Instant expiry(Instant now, Duration lifetime) {
        return lifetime == null ? null : now.plus(lifetime);
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }

    private static String printable(String s) {
        return Optional.ofNullable(s).map(v -> v.length() > 40 ? v.substring(0, 40) + "..." : v)
                .map(v -> v.replaceAll("[^A-Za-z0-9_.-]", "?")).orElse("");
    }
}
