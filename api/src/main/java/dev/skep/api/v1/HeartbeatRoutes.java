package dev.skep.api.v1;

import dev.skep.api.Routes;
import dev.skep.model.view.ApiError;
import dev.skep.monitor.heartbeat.HeartbeatRegistry;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * POST /v1/heartbeat/{instance} with {@code Authorization: Bearer SECRET}: an app proves it is alive. Public (no
 * user token): the per-instance secret is the credential. 204, or 403 for a wrong secret or unknown instance.
 */
public record HeartbeatRoutes(HeartbeatRegistry heartbeats) implements Routes {

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/heartbeat/{instance}", this::beat);
    }

    private void beat(Context ctx) {
        String header = ctx.header("Authorization");
        String secret = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7) : null;
        if (heartbeats.beat(ctx.pathParam("instance"), secret)) {
            ctx.status(204);
        } else {
            ctx.status(403).json(new ApiError("heartbeat refused",
                    "send the instance's own SKEP_HEARTBEAT_SECRET as 'Authorization: Bearer ...'"));
        }
    }
}
