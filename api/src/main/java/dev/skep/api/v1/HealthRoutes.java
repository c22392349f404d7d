package dev.skep.api.v1;

import dev.skep.api.AppCommands;
import dev.skep.api.HealthSettings;
import dev.skep.api.Routes;
import dev.skep.model.AppId;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/** GET /v1/apps/{user}/{app}/health: the app's health check ({"type": "off"} when none); set it with PATCH. */
public record HealthRoutes(HealthSettings health, AppCommands commands) implements Routes {

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps/{user}/{app}/health", ctx -> {
            AppId app = commands.ownedApp(ctx);
            ctx.json(health.read(app).<Object>map(HealthSettings.Setting::of).orElse(Map.of("type", "off")));
        });
    }
}
