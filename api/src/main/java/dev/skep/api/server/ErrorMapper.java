package dev.skep.api.server;

import dev.skep.api.auth.GitAuth;
import dev.skep.api.auth.TooManyFailures;
import dev.skep.model.SkepException;
import dev.skep.model.view.ApiError;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place errors become HTTP answers: JSON {error, detail}, never a stack trace. */
public final class ErrorMapper {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    public static void skep(SkepException e, Context ctx) {
        if (e.kind().status >= 500) {
            log.warn("event=api.error method={} path={} status={} error=\"{}\"", ctx.method(), ctx.path(),
                    e.kind().status, e.getMessage());
        }
        if (e instanceof TooManyFailures tooMany) {
            ctx.header("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
        }
        if (e.kind() == SkepException.Kind.UNAUTHORIZED && ctx.path().startsWith(GitAuth.PREFIX)) {
            // git asks for credentials (or its credential helper) only when challenged; browsers calling /v1 are
            // not, or they would pop up a login dialog over the dashboard
            ctx.header("WWW-Authenticate", GitAuth.CHALLENGE);
        }
        ctx.status(e.kind().status).json(new ApiError(e.getMessage(), e.detail()));
    }

    public static void javalin(HttpResponseException e, Context ctx) {
        ctx.status(e.getStatus()).json(new ApiError(e.getMessage(), null));
    }

    public static void unexpected(Exception e, Context ctx) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        log.error("event=api.internal-error id={} method={} path={} error=\"{}\"", id, ctx.method(), ctx.path(), e, e);
        ctx.status(500).json(new ApiError("internal error " + id, "the skep log has the details under id=" + id));
    }
}
