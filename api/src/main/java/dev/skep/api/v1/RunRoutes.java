package dev.skep.api.v1;

import dev.skep.api.ApiJson;
import dev.skep.api.AppCommands;
import dev.skep.api.Bodies;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.AppCatalog;
import dev.skep.model.OneOffs;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.Volume;
import dev.skep.model.view.ApiError;
import dev.skep.model.view.RunOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * POST /v1/apps/{user}/{app}/run {"command": [ARGV...]}: runs a one-off in the app's live release and streams
 * NDJSON ({@link RunOutput}): its id, each output line, then its exit code. The one-off lives as long as the
 * request: when the client goes away, everything it started is killed.
 */
public record RunRoutes(AppCatalog state, AppCommands commands, Bodies bodies,
                    OneOffs oneOffs) implements Routes {

    /** How the body names the command: an argv, as exec takes it (no shell unless you run one). */
    public record RunRequest(List<String> command) {
    }

    static final int MAX_ARGS = 256;
    static final int MAX_ARG_CHARS = 8192;
    /** A newline now and then: how a client that went away is noticed while the one-off prints nothing. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final int BUFFERED_LINES = 1000;

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/apps/{user}/{app}/run", this::run);
    }

    private void run(Context ctx) throws IOException, InterruptedException {
        AppId app = Caller.ownedApp(ctx);
        RunRequest request = bodies.read(ctx, RunRequest.class, null);
        List<String> argv = validated(request);
        AppSpec spec = commands.require(app);
        Release release = liveRelease(app, spec);
        List<String> volumes = spec.volumes().stream().map(Volume::path).toList();
        String holder = spec.volumeAgent();
        if (holder != null && !holder.equals(oneOffs.agent())) {
            throw new SkepException(Kind.CONFLICT, app + " keeps its volumes on agent " + holder
                    + ", and one-offs run on " + (oneOffs.agent() == null ? "no agent here" : "agent " + oneOffs.agent()),
                    "run it through the API of the server whose agent holds the volumes");
        }
        String shown = String.join(" ", argv);
        Audit.action(ctx, "app.run", app, Map.of("release", release.number(),
                "command", shown.length() > 200 ? shown.substring(0, 200) + "…" : shown));

        AtomicBoolean gone = new AtomicBoolean();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>(BUFFERED_LINES);
        try (OneOffs.Running running = oneOffs.start(release, volumes, argv, line -> hand(lines, line, gone))) {
            ctx.status(200).contentType("application/x-ndjson");
            OutputStream out = ctx.res().getOutputStream();
            try {
                send(out, new RunOutput(running.id(), release.number(), null, null, null));
                OptionalInt exit = OptionalInt.empty();
                long quietSince = System.nanoTime();
                while (exit.isEmpty()) {
                    exit = running.awaitExit(Duration.ofMillis(lines.isEmpty() ? 100 : 0));
                    if (flush(out, lines)) {
                        quietSince = System.nanoTime();
                    } else if (System.nanoTime() - quietSince > HEARTBEAT.toNanos()) {
                        out.write('\n');
                        out.flush();
                        quietSince = System.nanoTime();
                    }
                }
                // what it left running goes before the client hears the end, so "exited" means nothing is left
                running.close();
                flush(out, lines);
                send(out, new RunOutput(null, null, null, exit.getAsInt(), null));
            } catch (IOException clientGone) {
                gone.set(true); // closing the one-off below kills it
            }
        } catch (SkepException e) {
            if (ctx.res().isCommitted()) {
                sendQuietly(ctx, new RunOutput(null, null, null, null, new ApiError(e.getMessage(), e.detail())));
            } else {
                throw e;
            }
        }
    }

    /** The reader's side: waits for room while the client is there (the pipe then holds the one-off back). */
    private static void hand(LinkedBlockingQueue<String> lines, String line, AtomicBoolean gone) {
        try {
            while (!gone.get() && !lines.offer(line, 200, TimeUnit.MILLISECONDS)) {
                // the client is slower than the one-off: wait
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean flush(OutputStream out, LinkedBlockingQueue<String> lines) throws IOException {
        boolean any = false;
        String line;
        while ((line = lines.poll()) != null) {
            out.write(ApiJson.MAPPER.writeValueAsBytes(new RunOutput(null, null, line, null, null)));
            out.write('\n');
            any = true;
        }
        if (any) {
            out.flush();
        }
        return any;
    }

    private static void send(OutputStream out, RunOutput message) throws IOException {
        out.write(ApiJson.MAPPER.writeValueAsBytes(message));
        out.write('\n');
        out.flush();
    }

    private static void sendQuietly(Context ctx, RunOutput message) {
        try {
            send(ctx.res().getOutputStream(), message);
        } catch (IOException ignored) {
            // the client is gone: nobody to tell
        }
    }

    private Release liveRelease(AppId app, AppSpec spec) {
        if (spec.release() <= 0) {
            throw new SkepException(Kind.CONFLICT, app + " has no release yet", "deploy it first: skep deploy");
        }
        return state.release(app, spec.release()).orElseThrow(() -> new SkepException(Kind.CONFLICT,
                app + " release " + spec.release() + " is not in the state", "deploy again"));
    }

    static List<String> validated(RunRequest request) {
        if (request == null || request.command() == null || request.command().isEmpty()) {
            throw new SkepException(Kind.BAD_REQUEST, "no command to run",
                    "send {\"command\": [\"node\", \"migrate.js\"]}, or: skep run USER/APP -- node migrate.js");
        }
        List<String> argv = request.command();
        if (argv.size() > MAX_ARGS) {
            throw new SkepException(Kind.BAD_REQUEST, "too many arguments (" + argv.size() + ", at most " + MAX_ARGS
                    + ")", "put them in a script in the app and run that");
        }
        for (String arg : argv) {
            if (arg == null || arg.length() > MAX_ARG_CHARS || arg.indexOf('\0') >= 0) {
                throw new SkepException(Kind.BAD_REQUEST, "an argument is missing, holds a NUL byte or is longer than "
                        + MAX_ARG_CHARS + " characters", "put long input in a script in the app and run that");
            }
        }
        if (argv.get(0).isBlank()) {
            throw new SkepException(Kind.BAD_REQUEST, "the command's first word is empty",
                    "name a program: skep run USER/APP -- node migrate.js");
        }
        return List.copyOf(argv);
    }
}
