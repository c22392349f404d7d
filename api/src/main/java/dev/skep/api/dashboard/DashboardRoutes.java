package dev.skep.api.dashboard;

import dev.skep.api.Bodies;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.api.auth.Authenticator;
import dev.skep.api.auth.Principal;
import dev.skep.model.SkepException;
import dev.skep.model.view.LoginLink;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The web dashboard: its page and assets (static resources of this jar), and its login.
 * {@code POST /v1/dashboard/links} (a token's caller) makes a one-time login link;
 * {@code POST /v1/dashboard/session} exchanges its code, or a token typed into the form, for a session cookie;
 * {@code GET} of it tells the page who it is, {@code DELETE} logs out. The page then calls
 * the /v1 routes like any client, as its session's user.
 */
public record DashboardRoutes(DashboardSessions sessions, Authenticator auth, Bodies bodies,
                    Clock clock) implements Routes {

    public static final String COOKIE = "skep_session";
    public static final String CSRF_HEADER = "X-Skep-CSRF";
    public static final String SESSION_PATH = "/v1/dashboard/session";
    public static final String ASSETS = "/dashboard/";

    /** The assets there are, by name: nothing else of the class path is reachable. */
    private static final Map<String, String> FILES = Map.of(
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");
    private static final String RESOURCES = "/skep-dashboard/";
    /** Only this origin's scripts and styles, no framing: an app's content can neither run here nor frame it. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** POST /v1/dashboard/session: a login link's code, or a token pasted into the page's form. */
    public record LoginRequest(String code, String token) {
    }

    /** Whether the before-handler lets this request through without a token or session: the page and login. */
    public static boolean isPublic(Context ctx) {
        String path = ctx.path();
        if (path.equals("/")) {
            return wantsHtml(ctx);
        }
        return path.startsWith(ASSETS) || (path.equals(SESSION_PATH) && ctx.method().name().equals("POST"));
    }

    private static boolean wantsHtml(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/html");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", this::page);
        routes.get(ASSETS + "{file}", this::asset);
        routes.post("/v1/dashboard/links", this::link);
        routes.post(SESSION_PATH, this::login);
        routes.get(SESSION_PATH, ctx -> {
            Principal who = Caller.principal(ctx); // the before-handler checked the cookie and the CSRF token
            ctx.json(Map.of("user", who.user(), "admin", who.admin()));
        });
        routes.delete(SESSION_PATH, this::logout);
    }

    private void page(Context ctx) throws IOException {
        if (!wantsHtml(ctx)) {
            // API clients get what they always got at the root
            throw new SkepException(SkepException.Kind.NOT_FOUND, "no such route: GET /", "see the API section of the README");
        }
        securityHeaders(ctx);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8").result(resource("index.html"));
    }

    private void asset(Context ctx) throws IOException {
        String file = ctx.pathParam("file");
        String type = FILES.get(file);
        if (type == null) {
            throw new SkepException(SkepException.Kind.NOT_FOUND, "no such dashboard file: " + file, null);
        }
        securityHeaders(ctx);
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(type).result(resource(file));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        }
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    private void link(Context ctx) {
        Principal who = Caller.principal(ctx);
        String code = sessions.newLink(who);
        Audit.action(ctx, "dashboard.link", null, Map.of());
        ctx.status(201).json(new LoginLink(code, "/#login=" + code, clock.instant().plus(DashboardSessions.LINK_LIFETIME)));
    }

    private void login(Context ctx) {
        // JSON only: a cross-site form cannot send it without a CORS preflight, which this API never grants,
        // so no other site can log a browser in as someone else
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw new SkepException(SkepException.Kind.BAD_REQUEST, "the dashboard login takes JSON",
                    "send {\"code\": ...} or {\"token\": ...} with Content-Type: application/json");
        }
        LoginRequest body = bodies.read(ctx, LoginRequest.class, null);
        DashboardSessions.Opened opened;
        if (body.code() != null) {
            opened = sessions.redeem(body.code());
        } else if (body.token() != null) {
            opened = sessions.open(auth.authenticate("Bearer " + body.token().trim(), ctx.ip()));
        } else {
            throw SkepException.badRequest("neither code nor token", "send {\"code\": ...} or {\"token\": ...}");
        }
        ctx.header("Set-Cookie", cookie(ctx, opened.sessionId(),
                Duration.between(clock.instant(), opened.expires()).toSeconds()));
        ctx.header("Cache-Control", "no-store");
        ctx.json(new DashboardSessions.Current(opened.user(), opened.admin(), opened.csrf(), opened.expires()));
    }

    private void logout(Context ctx) {
        sessions.close(sessionId(ctx));
        ctx.header("Set-Cookie", cookie(ctx, "", 0));
        ctx.status(204);
    }

    private static String sessionId(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id == null) {
            throw new SkepException(SkepException.Kind.UNAUTHORIZED, "unauthorized: no dashboard session",
                    "log in: `skep dashboard`");
        }
        return id;
    }

    /** HttpOnly (no script reads it), SameSite=Strict (no other site's request carries it), Secure over TLS. */
    private static String cookie(Context ctx, String value, long maxAgeSeconds) {
        return COOKIE + "=" + value + "; Path=/; Max-Age=" + Math.max(0, maxAgeSeconds) + "; HttpOnly; SameSite=Strict"
                + (ctx.req().isSecure() ? "; Secure" : "");
    }
}
