package dev.skep.api.v1;

import dev.skep.api.AppCommands;
import dev.skep.api.AppViews;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.deploy.BuildLogs;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.SkepException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GET /v1/apps/{user}/{app}/releases: the release list (status, build facts); GET .../build-log[?release=N]: a
 * deploy's whole output as text, the newest deploy's (a failed build's too) without {@code release}.
 */
public record ReleaseRoutes(AppCommands commands, AppViews views, BuildLogs buildLogs) implements Routes {

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps/{user}/{app}/releases", ctx -> ctx.json(views.releases(commands.require(Caller.ownedApp(ctx)))));
        routes.get("/v1/apps/{user}/{app}/build-log", this::buildLog);
    }

    private void buildLog(Context ctx) throws Exception {
        AppId app = Caller.ownedApp(ctx);
        AppSpec spec = commands.require(app);
        Integer release = ctx.queryParam("release") == null ? null
                : ctx.queryParamAsClass("release", Integer.class).check(n -> n > 0, "a release number, 1 or more").get();
        Path file = (release == null ? buildLogs.latest(app) : buildLogs.of(app, release)).orElseThrow(() ->
                new SkepException(SkepException.Kind.NOT_FOUND, release == null
                        ? app + " has no build log on this controller"
                        : "release " + release + " of " + app + " has no build log here",
                        "build logs are kept for the releases kept (`skep releases " + app + "`, newest release "
                                + spec.release() + ") on the controller that built them"));
        ctx.contentType("text/plain; charset=utf-8");
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(ctx.res().getOutputStream());
        }
    }
}
