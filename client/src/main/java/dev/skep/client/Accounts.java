package dev.skep.client;

import dev.skep.model.view.AuditEntry;
import dev.skep.model.view.NewToken;
import dev.skep.model.view.NewUser;
import dev.skep.model.view.TokenView;
import dev.skep.model.view.UserView;
import dev.skep.model.view.Whoami;
import java.lang.reflect.Type;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Users (admin), tokens (one's own; an admin's, anyone's) and the audit log, over the API. */
public final class Accounts {

    private final SkepClient client;

    Accounts(SkepClient client) {
        this.client = client;
    }

    public Whoami whoami() {
        return client.call("GET", "/v1/whoami", null, type(Whoami.class));
    }

    public List<UserView> users() {
        return client.call("GET", "/v1/users", null, list(UserView.class));
    }

    /** Creates a user; the answer holds its first token's value, shown this once. */
    public TokenView addUser(String name, boolean admin, String expires) {
        return client.call("POST", "/v1/users", new NewUser(name, admin, expires), type(TokenView.class));
    }

    public void removeUser(String name) {
        client.call("DELETE", "/v1/users/" + encode(name), null, null);
    }

    /** The tokens of {@code user}, or the caller's own when null. Ids and dates only. */
    public List<TokenView> tokens(String user) {
        return client.call("GET", "/v1/tokens" + (user == null ? "" : "?user=" + encode(user)), null,
                list(TokenView.class));
    }

    /** A new token for {@code user} (null: the caller); the answer holds its value, shown this once. */
    public TokenView addToken(String user, String expires) {
        return client.call("POST", "/v1/tokens", new NewToken(user, expires), type(TokenView.class));
    }

    public void revokeToken(String id) {
        client.call("DELETE", "/v1/tokens/" + encode(id), null, null);
    }

    public List<AuditEntry> audit(int limit) {
        return client.call("GET", "/v1/audit?limit=" + limit, null, list(AuditEntry.class));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Type type(Class<?> c) {
        return c;
    }

    private static Type list(Class<?> c) {
        return Json.listOf(c);
    }
}
