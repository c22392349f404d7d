package dev.skep.api.server;

import dev.skep.api.ApiConfig;
import dev.skep.api.ApiJson;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.api.audit.AuditLog;
import dev.skep.api.auth.Authenticator;
import dev.skep.api.auth.GitAuth;
import dev.skep.api.auth.Principal;
import dev.skep.api.dashboard.DashboardRoutes;
import dev.skep.api.dashboard.DashboardSessions;
import dev.skep.api.openapi.OpenApiRoutes;
import dev.skep.api.tls.ApiTls;
import dev.skep.api.v1.AgentAssignmentRoutes;
import dev.skep.api.v1.SlugRoutes;
import dev.skep.model.view.ApiError;
import dev.skep.model.view.AuditEntry;
import dev.skep.model.SkepException;
import dev.skep.model.LoopbackTwin;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API: haibu's routes and /v1, behind token auth. */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    /**
     * Paths without a user token: the version (haibu's clients probe it), the OpenAPI document, app heartbeats (own
     * secret), slugs.
     */
    private static final List<String> PUBLIC = List.of("/version", OpenApiRoutes.PATH,
            "/v1/heartbeat/",
            SlugRoutes.PREFIX); // agents show the cluster token, checked by the route

    private final Javalin javalin;
    private final ApiConfig config;

    public ApiServer(ApiConfig config, Authenticator auth, List<Routes> groups) {
        this(config, auth, groups, null, null, Clock.systemUTC());
    }

    /**
     * @param audit where changes are recorded (null: nowhere)
     * @param tls   serve HTTPS with this certificate instead of plain HTTP (null: plain)
     */
    public ApiServer(ApiConfig config, Authenticator auth, List<Routes> groups, AuditLog audit, ApiTls tls,
                     Clock clock) {
        this(config, auth, groups, audit, tls, clock, null);
    }

    /** @param sessions the dashboard's sessions, another way to be a caller (null: token auth only) */
    public ApiServer(ApiConfig config, Authenticator auth, List<Routes> groups, AuditLog audit, ApiTls tls,
                     Clock clock, DashboardSessions sessions) {
        this.config = config;
        this.javalin = Javalin.create(cfg -> {
            if (tls != null) {
                cfg.jetty.addConnector((server, http) -> tls.connector(server, http, config.bind(), config.port()));
            }
            cfg.jsonMapper(new ApiJson());
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = config.maxJsonBytes();
            cfg.jetty.host = config.bind();
            cfg.jetty.port = config.port();
            cfg.jetty.modifyServer(server -> server.setStopTimeout(2_000));
            RoutesConfig routes = cfg.routes;
            routes.before(ctx -> authenticate(auth, sessions, ctx));
            routes.get("/version", ctx -> ctx.json(Map.of("version", "skep " + config.version())));
            new OpenApiRoutes(config.version(), this::routes).register(routes);
            groups.forEach(group -> group.register(routes));
            if (audit != null) {
                routes.after(ctx -> record(audit, clock, ctx));
            }
            routes.exception(SkepException.class, ErrorMapper::skep);
            routes.exception(HttpResponseException.class, ErrorMapper::javalin);
            routes.exception(Exception.class, ErrorMapper::unexpected);
            routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    ctx.json(new ApiError("no such route: " + ctx.method() + " " + ctx.path(),
                            "see the API section of the README"));
                }
            });
        });
    }

    private static void authenticate(Authenticator auth, DashboardSessions sessions, Context ctx) {
        String path = ctx.path();
        if (PUBLIC.stream().anyMatch(p -> p.endsWith("/") ? path.startsWith(p) : path.equals(p))
                || AgentAssignmentRoutes.isPath(path)) { // agents: the route checks the cluster token
            return;
        }
        if (sessions != null && DashboardRoutes.isPublic(ctx)) {
            return;
        }
        String authorization = ctx.header("Authorization");
        String session = sessions == null ? null : ctx.cookie(DashboardRoutes.COOKIE);
        if ((authorization == null || authorization.isBlank()) && session != null && !session.isEmpty()) {
            // a dashboard session: its token's user, when the request echoes its CSRF token (see DashboardSessions)
            Caller.identify(ctx, sessions.principal(session, ctx.header(DashboardRoutes.CSRF_HEADER)));
            return;
        }
        if (path.startsWith(GitAuth.PREFIX)) {
            authorization = GitAuth.tokenOnly(authorization); // git's user name is anything
        }
        Caller.identify(ctx, auth.authenticate(authorization, ctx.ip()));
    }

    /** After a route that named a change (see {@link Audit}): one audit entry with who, where and how it ended. */
    private static void record(AuditLog audit, Clock clock, Context ctx) {
        String action = Audit.action(ctx);
        if (action == null) {
            return;
        }
        Principal who = Caller.principal(ctx);
        audit.write(new AuditEntry(clock.instant(), who == null ? null : who.user(), ctx.ip(), action, Audit.app(ctx),
                ctx.statusCode(), Audit.detail(ctx)));
    }

    public ApiServer start() {
        javalin.start();
        LoopbackTwin.of(config.bind()).ifPresent(this::holdTwin);
        log.info("event=api.started address={}:{}", config.bind(), port());
        return this;
    }

    /** Serves the API on [::1] too, at the same port and with the same protocols (see {@link LoopbackTwin}). */
    private void holdTwin(InetAddress twin) {
        Server server = javalin.jettyServer().server();
        for (var existing : server.getConnectors()) {
            if (!(existing instanceof ServerConnector first) || !config.bind().equals(first.getHost())) {
                continue;
            }
            int port = first.getLocalPort();
            ServerConnector connector = new ServerConnector(server,
                    first.getConnectionFactories().toArray(ConnectionFactory[]::new));
            connector.setHost(twin.getHostAddress());
            connector.setPort(port);
            try {
                server.addConnector(connector);
                connector.start();
            } catch (Exception e) {
                server.removeConnector(connector);
                LoopbackTwin.report(log, "api", twin, port, e);
            }
        }
    }

    /** Every route registered, as "METHOD /path" in Javalin's form ("GET /v1/apps/{user}/{app}"): what the API serves. */
    public List<String> routes() {
        return javalin.unsafe.internalRouter.allHttpHandlers().stream()
                .map(h -> h.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> e.method.name() + " " + e.path)
                .sorted().toList();
    }

    public int port() {
        return javalin.port();
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
