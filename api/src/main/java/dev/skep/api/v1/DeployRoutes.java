package dev.skep.api.v1;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.skep.api.ApiJson;
import dev.skep.api.AppViews;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.api.haibu.HaibuDrone;
import dev.skep.deploy.DeployListener;
import dev.skep.deploy.Deployer;
import dev.skep.model.AppId;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Deploys: haibu's {@code POST /deploy/{user}/{app}} (answers {"drone": ...}) and
 * {@code POST /v1/apps/{user}/{app}/releases} (a DeployResult, or NDJSON progress lines).
 */
public record DeployRoutes(Deployer deployer, AppViews views) implements Routes {

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/deploy/{user}/{app}", this::haibu);
        routes.post("/v1/apps/{user}/{app}/releases", this::v1);
    }

    private Deployer.Outcome run(Context ctx, DeployListener listener) throws IOException {
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

    /**
     * haibu answers once the release serves: during a probation the answer goes out then, and the deploy goes on
     * watching the release (a failure then rolls back, as for every deploy, but this client has had its answer).
     */
    private void haibu(Context ctx) throws IOException {
        AtomicBoolean answered = new AtomicBoolean();
        DeployListener early = new DeployListener() {
            @Override
            public void stage(String stage, String message) {
            }

            @Override
            public void serving(Release release, List<InstanceStatus> ready, Duration probation) {
                if (!probation.isZero() && !ready.isEmpty()) {
                    answerNow(ctx, drone(release, ready.get(0)));
                    answered.set(true);
                }
            }
        };
        Deployer.Outcome outcome;
        try {
            outcome = run(ctx, early);
        } catch (RuntimeException e) {
            if (answered.get()) { // the client has its answer; the failure is logged, evented and marked by the rollout
                return;
            }
            throw e;
        }
        if (!answered.get()) {
            ctx.json(drone(outcome.release(), outcome.instances().get(0)));
        }
    }

    private Map<String, Object> drone(Release release, InstanceStatus first) {
        return HaibuDrone.of(release, first, views.url(release.app()));
    }

    /** The whole answer, written and flushed now while the handler goes on; the connection closes after it. */
    private static void answerNow(Context ctx, Object body) {
        try {
            byte[] bytes = ApiJson.MAPPER.writeValueAsBytes(body);
            ctx.res().setStatus(200);
            ctx.res().setContentType("application/json");
            ctx.res().setContentLength(bytes.length);
            ctx.res().setHeader("Connection", "close");
            OutputStream out = ctx.res().getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("client went away", e);
        }
    }

    private void v1(Context ctx) throws IOException {
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("application/x-ndjson")) {
            streamed(ctx);
            return;
        }
        Deployer.Outcome outcome = run(ctx, DeployListener.none());
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
            send.apply(new DeployProgress("done", "release " + outcome.release().number() + " released", null,
                    result(outcome), null));
        } catch (SkepException e) {
            send.apply(new DeployProgress("error", e.getMessage(), null, null, new ApiError(e.getMessage(), e.detail())));
        }
    }
}
