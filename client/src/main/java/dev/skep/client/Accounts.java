package dev.skep.client;

import dev.skep.model.view.AuditEntry;
import dev.skep.model.view.NewToken;
import dev.skep.model.view.NewUser;
import dev.skep.model.view.TokenView;
import dev.skep.model.view.UserView;
import dev.skep.model.view.Whoami;
import java.lang.reflect.Type;
import java.util.List;

/** Users (admin), tokens (one's own; an admin's, anyone's) and the audit log, over the API. */
public final class Accounts {

    private final ApiCalls api;

    Accounts(ApiCalls api) {
        this.api = api;
    }

    public Whoami whoami() {
        return api.call("GET", "/v1/whoami", null, type(Whoami.class));
    }

    public List<UserView> users() {
        return api.call("GET", "/v1/users", null, list(UserView.class));
    }

    /** Creates a user; the answer holds its first token's value, shown this once. */
    public TokenView addUser(String name, boolean admin, String expires) {
        return api.call("POST", "/v1/users", new NewUser(name, admin, expires), type(TokenView.class));
    }

    public void removeUser(String name) {
        api.call("DELETE", "/v1/users/" + ApiPaths.segment(name), null, null);
    }

    /** The tokens of {@code user}, or the caller's own when null. Ids and dates only. */
    public List<TokenView> tokens(String user) {
        return api.call("GET", "/v1/tokens" + (user == null ? "" : "?user=" + ApiPaths.segment(user)), null,
                list(TokenView.class));
    }

    /** A new token for {@code user} (null: the caller); the answer holds its value, shown this once. */
    public TokenView addToken(String user, String expires) {
        return api.call("POST", "/v1/tokens", new NewToken(user, expires), type(TokenView.class));
    }

    public void revokeToken(String id) {
        api.call("DELETE", "/v1/tokens/" + ApiPaths.segment(id), null, null);
    }

    public List<AuditEntry> audit(int limit) {
        return api.call("GET", "/v1/audit?limit=" + limit, null, list(AuditEntry.class));
    }

    private static Type type(Class<?> c) {
        return c;
    }

    private static Type list(Class<?> c) {
        return Json.listOf(c);
    }
}
