package dev.skep.api.v1;

import dev.skep.api.AppCommands;
import dev.skep.api.RouteSettingsStore;
import dev.skep.api.Routes;
import dev.skep.model.AppId;
import io.javalin.config.RoutesConfig;

/** GET /v1/apps/{user}/{app}/route: the app's router settings (body limit, HTTPS only); set them with PATCH. */
public record RouteSettingsRoutes(RouteSettingsStore settings, AppCommands commands) implements Routes {

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps/{user}/{app}/route", ctx -> {
            AppId app = commands.ownedApp(ctx);
            ctx.json(settings.read(app));
        });
    }
}
