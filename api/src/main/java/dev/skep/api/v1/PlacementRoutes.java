package dev.skep.api.v1;

import dev.skep.api.ApiJson;
import dev.skep.api.AppCommands;
import dev.skep.api.Bodies;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.Labels;
import dev.skep.model.PlacementSettings;
import dev.skep.model.SkepException;
import dev.skep.model.view.PlacementView;
import io.javalin.config.RoutesConfig;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|PUT /v1/apps/{user}/{app}/placement}: {@code {"constraints": {"zone": "a"}}}, the labels an agent must
 * carry to run the app's instances ({@code {}}: any agent). The scheduler moves instances that no longer match,
 * rolling, at its next pass; no release.
 */
public record PlacementRoutes(AppDocuments documents, AppCommands commands, Bodies bodies) implements Routes {

    private static final Logger log = LoggerFactory.getLogger(PlacementRoutes.class);

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps/{user}/{app}/placement", ctx -> {
            AppId app = commands.ownedApp(ctx);
            ctx.json(new PlacementView(read(app).constraints()));
        });
        routes.put("/v1/apps/{user}/{app}/placement", ctx -> {
            AppId app = Caller.ownedApp(ctx);
            PlacementView body = bodies.read(ctx, PlacementView.class, null);
            if (body.constraints() == null) {
                throw SkepException.badRequest("missing constraints", "send {\"constraints\": {\"zone\": \"a\"}}, "
                        + "or {\"constraints\": {}} for any agent");
            }
            PlacementSettings next = new PlacementSettings(body.constraints());
            Audit.action(ctx, "app.placement", app, Map.of("constraints", next.constraints()));
            commands.require(app);
            if (next.constraints().isEmpty()) {
                documents.delete(app, PlacementSettings.DOCUMENT);
            } else {
                documents.put(app, PlacementSettings.DOCUMENT, ApiJson.writeDocument(next, "placement settings"));
            }
            log.info("event=app.placement app={} constraints=\"{}\"", app,
                    Labels.text(next.constraints()));
            ctx.json(new PlacementView(next.constraints()));
        });
    }

    private PlacementSettings read(AppId app) {
        return ApiJson.readDocument(app, documents.get(app, PlacementSettings.DOCUMENT), PlacementSettings.class,
                "placement").orElse(PlacementSettings.NONE);
    }

}
