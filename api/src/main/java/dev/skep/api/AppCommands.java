package dev.skep.api;

import dev.skep.deploy.DeployListener;
import dev.skep.deploy.Deployer;
import dev.skep.deploy.release.RolledBackEnv;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.AppCatalog;
import dev.skep.model.EnvNames;
import dev.skep.model.ProcessTypes;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Changes of desired state that the API asks for: start, stop, restart, scale, env, rollback, delete. */
public record AppCommands(AppCatalog state, Deployer deployer, Clock clock, int maxInstances) {

    /** The app in the request's path, owned by the caller (or the caller is admin), that must exist. */
    public AppId ownedApp(Context ctx) {
        AppId app = Caller.ownedApp(ctx);
        require(app);
        return app;
    }

    public AppSpec require(AppId app) {
        return state.app(app).orElseThrow(() -> new SkepException(SkepException.Kind.NOT_FOUND, "no app " + app,
                "deploy it first (skep deploy --app " + app + "), or create it: skep create " + app));
    }

    /**
     * Creates an app with no release, as `heroku create` does: its config vars can then be set before its first
     * build (which sees them: a private registry's token, NODE_MODULES_CACHE, NPM_CONFIG_PRODUCTION ...).
     */
    public AppSpec create(AppId app) {
        if (state.app(app).isPresent()) {
            throw new SkepException(SkepException.Kind.CONFLICT, "app " + app + " exists",
                    "deploy to it, or delete it first: skep delete " + app + " --yes");
        }
        return deployer.createWithinQuota(app, () -> state.createApp(app));
    }

    public AppSpec start(AppId app) {
        AppSpec spec = require(app);
        if (spec.release() == 0) {
            throw new SkepException(SkepException.Kind.CONFLICT, app + " has no release yet", "deploy it first");
        }
        return state.updateApp(app, s -> s.withRunning(true, clock.instant()));
    }

    public AppSpec stop(AppId app) {
        require(app);
        return state.updateApp(app, s -> s.withRunning(false, clock.instant()));
    }

    public AppSpec restart(AppId app) {
        AppSpec spec = require(app);
        if (spec.release() == 0) {
            throw new SkepException(SkepException.Kind.CONFLICT, app + " has no release yet", "deploy it first");
        }
        return state.updateApp(app, s -> s.restarted(clock.instant()));
    }

    public AppSpec scale(AppId app, int instances) {
        return scale(app, Map.of(ProcessTypes.WEB, instances));
    }

    /**
     * Sets the instance count of each process type named (others keep theirs). A type must be one the app's
     * release runs (before its first release: any well-formed name), so a typo does not pass silently.
     */
    public AppSpec scale(AppId app, Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            throw SkepException.badRequest("no process type to scale", "name one, e.g. {\"web\": 2, \"worker\": 1}");
        }
        AppSpec spec = require(app);
        Set<String> types = spec.release() == 0 ? null
                : state.release(app, spec.release()).map(Release::types).orElse(null);
        counts.forEach((type, n) -> {
            if (!ProcessTypes.isValidName(type)) {
                throw SkepException.badRequest("'" + type + "' is not a process type name",
                        "process types are the names in the Procfile, e.g. web or worker");
            }
            if (n == null || n < 0 || n > maxInstances) {
                throw SkepException.badRequest(type + " instances must be 0.." + maxInstances + ", found " + n, null);
            }
            if (types != null && !types.contains(type)) {
                throw new SkepException(SkepException.Kind.UNPROCESSABLE, "release " + spec.release() + " of " + app
                        + " has no process type '" + type + "'", "its types are " + String.join(", ", types));
            }
        });
        return state.updateApp(app, s -> s.withCounts(counts, clock.instant()));
    }

    /**
     * Refuses (422) an idle stop for an app whose live release runs a process type other than web: a worker or
     * clock gets no requests, so nothing would ever wake it.
     */
    public void requireAllWeb(AppId app) {
        AppSpec spec = require(app);
        Set<String> types = spec.release() == 0 ? Set.of()
                : state.release(app, spec.release()).map(Release::types).orElse(Set.of());
        List<String> others = types.stream().filter(t -> !ProcessTypes.isWeb(t)).toList();
        if (!others.isEmpty()) {
            throw new SkepException(SkepException.Kind.UNPROCESSABLE, app + " cannot sleep: release " + spec.release()
                    + " runs " + String.join(", ", others) + " besides web, and only apps whose process types are all "
                    + "web may sleep (nothing wakes a process that gets no requests)",
                    "deploy a release whose Procfile has only web, or leave idle stop off");
        }
    }

    public void delete(AppId app) {
        require(app);
        deployer.delete(app);
    }

    /** Sets and unsets vars, then rolls them out as a new release (when the app has one). */
    public Release changeEnv(AppId app, Map<String, String> set, List<String> unset, String by) {
        set.keySet().forEach(EnvNames::require);
        unset.forEach(EnvNames::require);
        return deployer.exclusively(app, () -> {
            AppSpec spec = state.updateApp(app, s -> {
                Map<String, String> env = new HashMap<>(s.env());
                env.putAll(set);
                unset.forEach(env::remove);
                return s.withEnv(EnvNames.requireSize(app.toString(), env), clock.instant());
            });
            if (spec.release() == 0) {
                return null;
            }
            Release current = state.release(app, spec.release()).orElseThrow();
            Release next = state.addRelease(app, n -> current.withEnv(n, spec.env(), clock.instant(), by,
                    "env: " + describe(set, unset)));
            deployer.activate(app, next, DeployListener.none());
            return next;
        });
    }

    /** Runs release {@code number}, or the one before the current, again: no upload, no build. */
    public Release rollback(AppId app, Integer number, String by) {
        return deployer.exclusively(app, () -> {
            AppSpec spec = require(app);
            Set<Integer> failed = deployer.failures(app).keySet(); // never the default target
            int target = number != null ? number : state.releases(app).stream()
                    .mapToInt(Release::number).filter(n -> n < spec.release() && !failed.contains(n)).max()
                    .orElseThrow(() -> new SkepException(SkepException.Kind.CONFLICT,
                            "no release before " + spec.release() + " to roll back to",
                            "see the kept releases with GET /v1/apps/" + app));
            Release release = state.release(app, target).orElseThrow(() -> SkepException.notFound(
                    "release " + target + " of " + app + " is not kept (the last 5 are)"));
            if (target == spec.release()) {
                throw new SkepException(SkepException.Kind.CONFLICT, "release " + target + " is already current", null);
            }
            deployer.activate(app, release, DeployListener.none());
            RolledBackEnv.adopt(state, release, clock);
            return release;
        });
    }

    private static String describe(Map<String, String> set, List<String> unset) {
        StringBuilder s = new StringBuilder();
        if (!set.isEmpty()) {
            s.append("set ").append(String.join(",", new TreeSet<>(set.keySet())));
        }
        if (!unset.isEmpty()) {
            s.append(s.isEmpty() ? "" : "; ").append("unset ").append(String.join(",", unset));
        }
        return s.toString();
    }
}
