package dev.skep.api.v1;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.skep.api.ApiJson;
import dev.skep.api.AppViews;
import dev.skep.api.Caller;
import dev.skep.api.audit.Audit;
import dev.skep.deploy.Deployer;
import dev.skep.model.AppId;
import dev.skep.model.InstanceStatus;
import dev.skep.model.SkepException;
import dev.skep.model.view.ApiError;
import dev.skep.model.view.DeployProgress;
import dev.skep.model.view.DeployResult;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * Deploys: haibu's {@code POST /deploy/{user}/{app}} (answers {"drone": ...}) and
 * {@code POST /v1/apps/{user}/{app}/releases} (a DeployResult, or NDJSON progress lines).
 */
public final class DeployRoutes implements dev.skep.api.ApiServer.Routes {

    private final Deployer deployer;
    private final AppViews views;

    public DeployRoutes(Deployer deployer, AppViews views) {
        this.deployer = deployer;
        this.views = views;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/deploy/{user}/{app}", this::haibu);
        routes.post("/v1/apps/{user}/{app}/releases", this::v1);
    }

    private Deployer.Outcome run(Context ctx, dev.skep.deploy.DeployListener listener) throws IOException {
        AppId app = Caller.ownedApp(ctx);
        Audit.action(ctx, "deploy", app, Map.of());
        Audit.detail(ctx, "bytes", ctx.req().getContentLengthLong() >= 0 ? ctx.req().getContentLengthLong() : null);
        try (InputStream body = ctx.req().getInputStream()) {
            Deployer.Outcome outcome = deployer.deploy(app, body, Caller.principal(ctx).user(), listener);
            Audit.detail(ctx, "release", outcome.release().number());
            Audit.detail(ctx, "sha256", outcome.release().sha256());
            return outcome;
        } catch (RuntimeException e) {
            Audit.detail(ctx, "outcome", "failed");
            throw e;
        }
    }

    private void haibu(Context ctx) throws IOException {
        Deployer.Outcome outcome = run(ctx, dev.skep.deploy.DeployListener.none());
        InstanceStatus first = outcome.instances().get(0);
        AppId app = outcome.release().app();
        Map<String, Object> drone = new java.util.LinkedHashMap<>();
        drone.put("user", app.user());
        drone.put("name", app.name());
        drone.put("release", outcome.release().number());
        drone.put("hash", outcome.release().sha256());
        drone.put("host", first.host());
        drone.put("port", first.port());
        drone.put("pid", first.pid());
        drone.put("ctime", first.since().toEpochMilli());
        drone.put("status", "started");
        drone.put("instance", first.instance());
        drone.put("url", views.url(app));
        ctx.json(Map.of("drone", drone));
    }

    private void v1(Context ctx) throws IOException {
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("application/x-ndjson")) {
            streamed(ctx);
            return;
        }
        Deployer.Outcome outcome = run(ctx, dev.skep.deploy.DeployListener.none());
        ctx.status(201).json(result(outcome));
    }

    private DeployResult result(Deployer.Outcome o) {
        AppId app = o.release().app();
        return new DeployResult(app.toString(), o.release().number(), o.release().sha256(), o.slug().uploadBytes(),
                o.release().command(), o.slug().build().took().toMillis(), o.took().toMillis(),
                views.url(app), o.instances().stream().map(views::instance).toList());
    }

    /** NDJSON: one DeployProgress per line, flushed as it happens; the last line says done or error. */
    private void streamed(Context ctx) throws IOException {
        ctx.status(200).contentType("application/x-ndjson");
        OutputStream out = ctx.res().getOutputStream();
        Function<DeployProgress, Void> send = p -> {
            try {
                out.write((ApiJson.MAPPER.writeValueAsString(p) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException("client went away", e);
            }
            return null;
        };
        try {
            Deployer.Outcome outcome = run(ctx, (stage, message) -> send.apply(
                    new DeployProgress(stage, message, null, null, null)));
            send.apply(new DeployProgress("done", "release " + outcome.release().number() + " is live", null,
                    result(outcome), null));
        } catch (SkepException e) {
            send.apply(new DeployProgress("error", e.getMessage(), null, null, new ApiError(e.getMessage(), e.detail())));
        }
    }
}
