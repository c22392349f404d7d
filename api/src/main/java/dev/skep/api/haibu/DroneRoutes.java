package dev.skep.api.haibu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.skep.api.AppCommands;
import dev.skep.api.AppViews;
import dev.skep.api.Bodies;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.api.auth.Principal;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.AppCatalog;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * haibu's drone routes, kept for its clients. Unlike haibu, the path names the app (a body
 * naming another app is refused) and answers are a safe projection: no environment, no stack.
 */
public record DroneRoutes(AppCatalog state, AppCommands commands, AppViews views,
                    Bodies bodies) implements Routes {

    /** How long a start waits for its first ready instance, as a deploy does. */
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    private static final Duration START_POLL = Duration.ofMillis(50);

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/drones", ctx -> ctx.json(Map.of("drones", drones(visible(ctx)))));
        routes.get("/drones/running", ctx -> ctx.json(running(visible(ctx))));
        routes.get("/drones/{app}", ctx -> {
            AppSpec app = commands.require(resolve(ctx, null));
            ctx.json(entry(app));
        });
        routes.post("/drones/cleanall", this::cleanAll);
        routes.post("/drones/{app}/{action}", this::action);
    }

    private void action(Context ctx) {
        String action = ctx.pathParam("action");
        JsonNode body = bodies.read(ctx, JsonNode.class, NullNode.getInstance());
        // haibu wraps the app in {"start": {...}} / {"stop": {...}}; clean and update take it bare
        JsonNode named = body.has(action) ? body.get(action) : body;
        AppId app = resolve(ctx, named);
        Audit.action(ctx, "app." + (action.equals("clean") ? "delete" : action), app,
                Map.of("route", "haibu"));
        // the answers are haibu's: its client reads the new port from start's {"drone": ...}
        switch (action) {
            case "start" -> ctx.json(started(commands.start(app)));
            case "stop" -> ctx.json(entry(commands.stop(app)));
            case "restart" -> ctx.json(Map.of("drones", entry(commands.restart(app)).get("drones")));
            case "update" -> {
                commands.restart(app);
                ctx.json(Map.of("update", true));
            }
            case "clean" -> {
                commands.delete(app);
                ctx.json(Map.of("clean", true));
            }
            default -> throw new SkepException(SkepException.Kind.NOT_FOUND, "no drone action '" + action + "'",
                    "haibu's actions are start, stop, restart, clean and update");
        }
    }

    /** haibu answered a start with the drone it started: here, the first instance of the release to be ready. */
    private Map<String, Object> started(AppSpec app) {
        Release release = state.release(app.id(), app.release()).orElseThrow(() -> new SkepException(
                SkepException.Kind.NOT_FOUND, "release " + app.release() + " of " + app.id() + " is gone",
                "deploy it again"));
        long until = System.nanoTime() + START_WAIT.toNanos();
        while (true) {
            for (InstanceStatus i : views.instancesOf(app)) {
                if (i.ready() && i.release() == release.number() && i.port() > 0) {
                    return HaibuDrone.of(release, i, views.url(app.id()));
                }
            }
            if (System.nanoTime() > until) {
                throw new SkepException(SkepException.Kind.TIMEOUT, app.id() + " is starting but no instance "
                        + "of release " + release.number() + " is ready after " + START_WAIT.toSeconds() + " s",
                        "see skep ps " + app.id() + " and skep logs " + app.id());
            }
            try {
                Thread.sleep(START_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SkepException(SkepException.Kind.UNAVAILABLE, "interrupted while " + app.id() + " starts",
                        "ask again");
            }
        }
    }

    private void cleanAll(Context ctx) {
        List<String> cleaned = new ArrayList<>();
        Audit.action(ctx, "app.cleanall", null, Map.of("route", "haibu", "apps", cleaned));
        for (AppSpec app : visible(ctx)) {
            commands.delete(app.id());
            cleaned.add(app.id().toString());
        }
        ctx.json(Map.of("cleaned", cleaned));
    }

    /** Which app the path means: the body's or the caller's user, or (for admins) the one app of that name. */
    private AppId resolve(Context ctx, JsonNode body) {
        String name = AppId.requireName("app", ctx.pathParam("app"));
        Principal who = Caller.principal(ctx);
        String user = null;
        if (body != null && body.isObject()) {
            if (body.hasNonNull("name") && !name.equals(body.get("name").asText())) {
                throw SkepException.badRequest("the body names app '" + body.get("name").asText()
                        + "' but the path names '" + name + "'", "send the body of the app the path names");
            }
            if (body.hasNonNull("user")) {
                user = body.get("user").asText();
            }
        }
        if (user == null && who.admin()) {
            List<AppId> matches = state.apps().stream().map(AppSpec::id).filter(a -> a.name().equals(name)).toList();
            if (matches.size() == 1) {
                user = matches.get(0).user();
            } else if (matches.size() > 1) {
                throw new SkepException(SkepException.Kind.CONFLICT, "several users have an app '" + name + "'",
                        "name the user in the body ({\"user\": ...}) or use /v1/apps/USER/" + name);
            }
        }
        AppId app = new AppId(user == null ? who.user() : user, name);
        who.requireOwner(app);
        return app;
    }

    private List<AppSpec> visible(Context ctx) {
        Principal who = Caller.principal(ctx);
        return state.apps().stream().filter(a -> who.admin() || a.id().user().equals(who.user())).toList();
    }

    private Map<String, Object> drones(List<AppSpec> apps) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (AppSpec app : apps) {
            out.put(app.id().name(), entry(app));
        }
        return out;
    }

    private Map<String, Object> entry(AppSpec app) {
        Map<String, Object> appInfo = new LinkedHashMap<>();
        appInfo.put("name", app.id().name());
        appInfo.put("user", app.id().user());
        appInfo.put("release", app.release());
        appInfo.put("running", app.running());
        return Map.of("app", appInfo, "drones", views.instancesOf(app).stream().map(this::drone).toList());
    }

    private List<Map<String, Object>> running(List<AppSpec> apps) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AppSpec app : apps) {
            for (InstanceStatus i : views.instancesOf(app)) {
                if (i.ready()) {
                    Map<String, Object> d = drone(i);
                    d.put("name", app.id().name());
                    d.put("user", app.id().user());
                    out.add(d);
                }
            }
        }
        return out;
    }

    private Map<String, Object> drone(InstanceStatus i) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("uid", i.instance());
        d.put("release", i.release());
        d.put("host", i.host());
        d.put("port", i.port());
        d.put("pid", i.pid());
        d.put("ctime", i.since().toEpochMilli());
        d.put("status", i.state().label());
        return d;
    }
}
