package dev.skep.api.audit;

import dev.skep.model.AppId;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a route says what change it makes: it names the action (and app, and details) on the
 * request; the API writes the entry once the answer is known, with who, from where and the
 * status. A request that never names an action (reads, refusals before the route ran) writes nothing.
 */
public final class Audit {

    static final String ACTION = "skep.audit.action";
    static final String APP = "skep.audit.app";
    static final String DETAIL = "skep.audit.detail";

    private Audit() {
    }

    /** Names the change this request makes. Details: names and numbers only, never a secret value. */
    public static void action(Context ctx, String action, AppId app, Map<String, ?> detail) {
        ctx.attribute(ACTION, action);
        ctx.attribute(APP, app == null ? null : app.toString());
        ctx.attribute(DETAIL, new LinkedHashMap<String, Object>(detail));
    }

    /** Adds one detail to the change named before (e.g. the release a deploy made). */
    public static void detail(Context ctx, String key, Object value) {
        Map<String, Object> detail = ctx.attribute(DETAIL);
        if (detail != null && value != null) {
            detail.put(key, value);
        }
    }

    public static String action(Context ctx) {
        return ctx.attribute(ACTION);
    }

    public static String app(Context ctx) {
        return ctx.attribute(APP);
    }

    public static Map<String, Object> detail(Context ctx) {
        Map<String, Object> detail = ctx.attribute(DETAIL);
        return detail == null ? Map.of() : detail;
    }
}
