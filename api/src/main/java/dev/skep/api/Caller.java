package dev.skep.api;

import dev.skep.api.auth.Principal;
import dev.skep.model.AppId;
import io.javalin.http.Context;

/** Reads who is calling and which app a path names; both were checked by the before-handler. */
public final class Caller {

    private static final String PRINCIPAL = "skep.principal";

    private Caller() {
    }

    /** Records who is calling: the server's before-handler, once it has checked the token or session. */
    public static void identify(Context ctx, Principal who) {
        ctx.attribute(PRINCIPAL, who);
    }

    public static Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    /** The app in the path, validated, and owned by the caller (or the caller is admin). */
    public static AppId ownedApp(Context ctx) {
        AppId app = new AppId(ctx.pathParam("user"), ctx.pathParam("app"));
        principal(ctx).requireOwner(app);
        return app;
    }
}
