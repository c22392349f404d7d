package dev.skep.api.v1;

import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.AuditLog;
import io.javalin.config.RoutesConfig;

/** {@code GET /v1/audit?limit=N} (admin): the newest audit entries, oldest first. */
public record AuditRoutes(AuditLog audit) implements Routes {

    private static final int MAX = 10_000;

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/audit", ctx -> {
            Caller.principal(ctx).requireAdmin();
            int limit = Math.min(MAX, Math.max(1, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(100)));
            ctx.json(audit.newest(limit));
        });
    }
}
