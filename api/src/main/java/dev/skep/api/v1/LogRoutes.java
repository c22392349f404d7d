package dev.skep.api.v1;

import dev.skep.api.AppCommands;
import dev.skep.api.Follows;
import dev.skep.api.Routes;
import dev.skep.model.AppId;
import dev.skep.model.LogSource;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** GET /v1/apps/{user}/{app}/logs?tail=N&follow=true: text, one log line per line. */
public record LogRoutes(LogSource logs, AppCommands commands, Follows follows) implements Routes {

    private static final int MAX_TAIL = 10_000;
    /** How often an idle follow writes an empty line; dashboards and {@code skep logs -f} skip empty lines. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps/{user}/{app}/logs", this::logs);
    }

    private void logs(Context ctx) throws Exception {
        AppId app = commands.ownedApp(ctx);
        int tail = Math.min(MAX_TAIL, Math.max(0, ctx.queryParamAsClass("tail", Integer.class).getOrDefault(100)));
        boolean follow = Boolean.parseBoolean(ctx.queryParam("follow"));
        ctx.contentType("text/plain; charset=utf-8");
        OutputStream out = ctx.res().getOutputStream();
        for (String line : logs.tail(app, tail)) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        if (!follow) {
            return;
        }
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>(10_000);
        try (AutoCloseable following = follows.enter(); AutoCloseable subscription = logs.follow(app, lines::offer)) {
            while (true) {
                String line = lines.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                // a heartbeat newline now and then tells us when the client has gone: a write to a closed
                // connection fails at the second try, so a follower lingers at most two heartbeats
                out.write(((line == null ? "" : line) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException clientGone) {
            // the client closed the stream: that is how a follow ends
        } catch (InterruptedException apiStopping) {
            // the API stops (Follows): the answer ends here, whole; the flag is not set again, the answer must finish
        }
    }
}
