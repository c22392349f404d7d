package dev.skep.api.v1;

import dev.skep.api.Bodies;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.api.auth.Accounts;
import dev.skep.api.auth.Lifetimes;
import dev.skep.api.auth.Principal;
import dev.skep.model.SkepException;
import dev.skep.model.view.NewToken;
import dev.skep.model.view.NewUser;
import dev.skep.model.view.TokenView;
import dev.skep.model.view.Whoami;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Users (admin only) and tokens (one's own; an admin's, anyone's):
 * {@code GET /v1/whoami}, {@code GET|POST /v1/users}, {@code DELETE /v1/users/{user}},
 * {@code GET|POST /v1/tokens[?user=U]}, {@code DELETE /v1/tokens/{id}}.
 */
public record UserRoutes(Accounts accounts, Bodies bodies) implements Routes {

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/whoami", ctx -> {
            Principal who = Caller.principal(ctx);
            ctx.json(new Whoami(who.user(), who.admin(), who.tokenId()));
        });
        routes.get("/v1/users", ctx -> ctx.json(accounts.list(Caller.principal(ctx))));
        routes.post("/v1/users", this::addUser);
        routes.delete("/v1/users/{user}", ctx -> {
            Caller.principal(ctx).requireAdmin();
            String name = ctx.pathParam("user");
            Audit.action(ctx, "user.remove", null, Map.of("user", name));
            accounts.removeUser(Caller.principal(ctx), name);
            ctx.status(204);
        });
        routes.get("/v1/tokens", ctx -> ctx.json(accounts.tokens(Caller.principal(ctx), ctx.queryParam("user"))));
        routes.post("/v1/tokens", this::addToken);
        routes.delete("/v1/tokens/{id}", ctx -> {
            String id = ctx.pathParam("id");
            Audit.action(ctx, "token.revoke", null, Map.of("token", id));
            Audit.detail(ctx, "user", accounts.revoke(Caller.principal(ctx), id));
            ctx.status(204);
        });
    }

    private void addUser(Context ctx) {
        Principal who = Caller.principal(ctx);
        who.requireAdmin();
        NewUser body = bodies.read(ctx, NewUser.class, null);
        if (body.name() == null) {
            throw SkepException.badRequest("missing name", "send {\"name\": \"alice\", \"admin\": false}");
        }
        boolean admin = Boolean.TRUE.equals(body.admin());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("user", body.name());
        detail.put("admin", admin);
        Audit.action(ctx, "user.add", null, detail);
        TokenView made = accounts.addUser(who, body.name(), admin, Lifetimes.parse(body.expires()));
        Audit.detail(ctx, "token", made.id());
        ctx.status(201).json(made);
    }

    private void addToken(Context ctx) {
        Principal who = Caller.principal(ctx);
        NewToken body = bodies.read(ctx, NewToken.class, new NewToken(null, null));
        Audit.action(ctx, "token.add", null, Map.of("user", body.user() == null ? who.user() : body.user()));
        TokenView made = accounts.addToken(who, body.user(), Lifetimes.parse(body.expires()));
        Audit.detail(ctx, "token", made.id());
        if (made.expires() != null) {
            Audit.detail(ctx, "expires", made.expires().toString());
        }
        ctx.status(201).json(made);
    }
}
