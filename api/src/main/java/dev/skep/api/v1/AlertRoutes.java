package dev.skep.api.v1;

import dev.skep.api.AppCommands;
import dev.skep.api.Bodies;
import dev.skep.api.Routes;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import dev.skep.model.view.AlertSettings;
import dev.skep.model.view.AlertTestResult;
import dev.skep.monitor.settings.AlertSettingsStore;
import dev.skep.monitor.settings.AppAlerts;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;

/**
 * An app's alert settings: GET, PUT (replaces all: mail, webhooks, rules), DELETE (back to the install's
 * defaults), and POST .../alerts/test (a test alert through every reactor now; the answer says what happened).
 *
 * @param webhookSecret the hex key an app's webhook receivers check signatures with
 * @param mailServer    whether the install has an SMTP server: without one, recipients get no mail
 */
public record AlertRoutes(AlertSettingsStore store, AppCommands commands, Bodies bodies, Tester tester,
                    Function<AppId, String> webhookSecret, boolean mailServer) implements Routes {

    /** Sends a test alert for an app; per reactor what happened. */
    @FunctionalInterface
    public interface Tester {
        Map<String, String> test(AppId app);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps/{user}/{app}/alerts", this::show);
        routes.put("/v1/apps/{user}/{app}/alerts", this::replace);
        routes.delete("/v1/apps/{user}/{app}/alerts", ctx -> {
            AppId app = commands.ownedApp(ctx);
            store.delete(app);
            ctx.status(204);
        });
        routes.post("/v1/apps/{user}/{app}/alerts/test", ctx -> {
            AppId app = commands.ownedApp(ctx);
            ctx.json(new AlertTestResult(app.toString(), tester.test(app)));
        });
    }

    private void show(Context ctx) {
        AppId app = commands.ownedApp(ctx);
        ctx.json(view(app, store.read(app).orElse(AppAlerts.NONE)));
    }

    private void replace(Context ctx) {
        AppId app = commands.ownedApp(ctx);
        AlertSettings body = bodies.read(ctx, AlertSettings.class, null);
        if (body.app() != null && !body.app().equals(app.toString())) {
            throw SkepException.badRequest("the body names app " + body.app() + ", the path " + app,
                    "leave \"app\" out or make it match");
        }
        ctx.json(view(app, store.put(app, body.mail(), body.webhooks(), body.rules())));
    }

    private AlertSettings view(AppId app, AppAlerts alerts) {
        return new AlertSettings(app.toString(), alerts.mail(), alerts.webhooks().stream().map(URI::toString).toList(),
                alerts.rulesJson(), webhookSecret.apply(app), mailServer);
    }
}
