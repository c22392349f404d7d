package dev.skep.api.v1;

import dev.skep.api.AppCommands;
import dev.skep.api.AppViews;
import dev.skep.api.Bodies;
import dev.skep.api.Caller;
import dev.skep.api.HealthSettings;
import dev.skep.api.RouteSettingsStore;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.api.auth.Principal;
import dev.skep.deploy.release.ProbationSettings;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.ProcessTypes;
import dev.skep.model.Release;
import dev.skep.model.RouteSettings;
import dev.skep.model.SkepException;
import dev.skep.model.view.AppView;
import dev.skep.model.view.EnvChange;
import dev.skep.model.view.EnvView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The /v1 app routes: list, show, start, stop, restart, scale, env, rollback, delete. *
 * @param probation where {@code {"probation": SECONDS}} goes, or null when this API takes none
 */
public record AppRoutes(AppCommands commands, AppViews views, Bodies bodies, HealthSettings health,
                    RouteSettingsStore routeSettings, ProbationSettings probation) implements Routes {

    /**
     * PATCH /v1/apps/{user}/{app}; {@code probation} in whole seconds; {@code instances} is the web count,
     * {@code formation} counts per process type ({@code {"web": 2, "worker": 0}}); {@code idleStop} in whole
     * seconds, 0: off.
     */
    public record AppPatch(Integer instances, HealthSettings.Setting health, Long maxBodyBytes,
                           Boolean httpsOnly, Boolean sticky, Long probation, Map<String, Integer> formation,
                           Long idleStop) {
    }

    /** POST .../rollback. */
    public record RollbackRequest(Integer release) {
    }

    public AppRoutes(AppCommands commands, AppViews views, Bodies bodies) {
        this(commands, views, bodies, null);
    }

    /** @param health where {@code {"health": {...}}} goes, or null when this API takes none */
    public AppRoutes(AppCommands commands, AppViews views, Bodies bodies, HealthSettings health) {
        this(commands, views, bodies, health, null);
    }

    /** @param routeSettings where {@code {"maxBodyBytes": N, "httpsOnly": true}} go, or null when this API takes none */
    public AppRoutes(AppCommands commands, AppViews views, Bodies bodies, HealthSettings health,
                     RouteSettingsStore routeSettings) {
        this(commands, views, bodies, health, routeSettings, null);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps", this::list);
        routes.get("/v1/apps/{user}/{app}", ctx -> ctx.json(views.full(commands.require(Caller.ownedApp(ctx)))));
        routes.post("/v1/apps/{user}/{app}", ctx -> {
            AppSpec created = commands.create(audited(ctx, "app.create", Map.of()));
            ctx.status(201).json(views.full(created));
        });
        routes.patch("/v1/apps/{user}/{app}", this::patch);
        if (probation != null) {
            routes.get("/v1/apps/{user}/{app}/probation",
                    ctx -> ctx.json(probation.view(commands.require(Caller.ownedApp(ctx)).id())));
        }
        routes.delete("/v1/apps/{user}/{app}", ctx -> {
            commands.delete(audited(ctx, "app.delete", Map.of()));
            ctx.status(204);
        });
        routes.post("/v1/apps/{user}/{app}/start", ctx -> ctx.json(views.full(commands.start(audited(ctx, "app.start", Map.of())))));
        routes.post("/v1/apps/{user}/{app}/stop", ctx -> ctx.json(views.full(commands.stop(audited(ctx, "app.stop", Map.of())))));
        routes.post("/v1/apps/{user}/{app}/restart", ctx -> ctx.json(views.full(commands.restart(audited(ctx, "app.restart", Map.of())))));
        routes.post("/v1/apps/{user}/{app}/rollback", this::rollback);
        routes.get("/v1/apps/{user}/{app}/env", this::env);
        routes.patch("/v1/apps/{user}/{app}/env", this::changeEnv);
    }

    /** The app in the path, owned by the caller, named as the subject of this change. */
    private static AppId audited(Context ctx, String action, Map<String, ?> detail) {
        AppId app = Caller.ownedApp(ctx);
        Audit.action(ctx, action, app, detail);
        return app;
    }

    private void list(Context ctx) {
        Principal who = Caller.principal(ctx);
        List<AppView> all = views.list();
        ctx.json(who.admin() ? all : all.stream().filter(a -> a.user().equals(who.user())).toList());
    }

    private void patch(Context ctx) {
        AppId app = Caller.ownedApp(ctx);
        AppPatch patch = bodies.read(ctx, AppPatch.class, null);
        boolean route = routeSettings != null && (patch.maxBodyBytes() != null || patch.httpsOnly() != null
                || patch.sticky() != null || patch.idleStop() != null);
        boolean window = probation != null && patch.probation() != null;
        boolean scale = patch.instances() != null || patch.formation() != null;
        if (!scale && (patch.health() == null || health == null) && !route && !window) {
            throw SkepException.badRequest("nothing to change", "send {\"instances\": N}, {\"formation\": "
                    + "{\"web\": N, \"worker\": N}}, {\"health\": {...}}, "
                    + "{\"maxBodyBytes\": N}, {\"httpsOnly\": true}, {\"sticky\": true}, {\"idleStop\": SECONDS} or {\"probation\": SECONDS}");
        }
        if (window) {
            commands.require(app);
            Duration set = probation.set(app, Duration.ofSeconds(patch.probation()));
            Audit.action(ctx, "app.probation", app, Map.of("seconds", set.toSeconds()));
        }
        if (route) {
            commands.require(app);
            if (patch.idleStop() != null && patch.idleStop() != 0) {
                RouteSettings.DEFAULTS.with(null, null, null, patch.idleStop()); // 400 when out of range
                commands.requireAllWeb(app);
            }
            var applied = routeSettings.apply(app, patch.maxBodyBytes(), patch.httpsOnly(), patch.sticky(),
                    patch.idleStop());
            Audit.action(ctx, "app.route", app, Map.of("maxBodyBytes", applied.maxBodyBytes(),
                    "httpsOnly", applied.httpsOnly(), "sticky", applied.sticky(),
                    "idleStop", applied.idleStopSeconds()));
        }
        if (patch.health() != null) {
            commands.require(app);
            health.apply(app, patch.health());
            Audit.action(ctx, "app.health", app, Map.of());
        }
        if (!scale) {
            ctx.json(views.full(commands.require(app)));
            return;
        }
        Map<String, Integer> counts = new TreeMap<>(patch.formation() == null ? Map.of() : patch.formation());
        if (patch.instances() != null) {
            Integer web = counts.putIfAbsent(ProcessTypes.WEB, patch.instances());
            if (web != null && !web.equals(patch.instances())) {
                throw SkepException.badRequest("instances and formation.web differ", "send one of them");
            }
        }
        Audit.action(ctx, "app.scale", app, Map.of("formation", Map.copyOf(counts)));
        ctx.json(views.full(commands.scale(app, counts)));
    }

    private void rollback(Context ctx) {
        AppId app = Caller.ownedApp(ctx);
        RollbackRequest request = bodies.read(ctx, RollbackRequest.class, new RollbackRequest(null));
        Audit.action(ctx, "app.rollback", app, Map.of());
        Audit.detail(ctx, "release", commands.rollback(app, request.release(), Caller.principal(ctx).user()).number());
        ctx.json(views.full(commands.require(app)));
    }

    private void env(Context ctx) {
        AppId app = Caller.ownedApp(ctx);
        AppSpec spec = commands.require(app);
        ctx.json(new EnvView(app.toString(), spec.release(), new TreeMap<>(spec.env())));
    }

    private void changeEnv(Context ctx) {
        AppId app = commands.ownedApp(ctx);
        EnvChange change = bodies.read(ctx, EnvChange.class, null);
        Map<String, String> set = change.set() == null ? Map.of() : change.set();
        List<String> unset = change.unset() == null ? List.of() : change.unset();
        if (set.values().stream().anyMatch(v -> v == null)) {
            throw SkepException.badRequest("env values must be strings", "use \"unset\" to remove a var");
        }
        // keys only: a value never reaches the audit log
        Audit.action(ctx, "env.change", app, Map.of("set", new TreeSet<>(set.keySet()), "unset", unset));
        Release release = commands.changeEnv(app, set, unset, Caller.principal(ctx).user());
        Audit.detail(ctx, "release", release == null ? null : release.number());
        AppSpec spec = commands.require(app);
        ctx.json(new EnvView(app.toString(), release == null ? spec.release() : release.number(),
                AppViews.keysOnly(spec.env())));
    }
}
