package dev.skep.client;

import dev.skep.model.AppId;
import dev.skep.model.view.AgentView;
import dev.skep.model.view.ApiError;
import dev.skep.model.view.AppView;
import dev.skep.model.view.DeployProgress;
import dev.skep.model.view.DeployResult;
import dev.skep.model.view.DomainsView;
import dev.skep.model.view.EnvChange;
import dev.skep.model.view.EnvView;
import dev.skep.model.view.LoginLink;
import dev.skep.model.view.PlacementView;
import dev.skep.model.view.ReleaseView;
import dev.skep.model.view.RunOutput;
import dev.skep.model.view.VolumesView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.net.ssl.SSLContext;

/**
 * A typed client of skep's HTTP API, one method per endpoint. Thread-safe; close it when done.
 *
 * <p>Every method throws {@link SkepApiException} when the server says no (4xx/5xx),
 * {@link SkepUnreachableException} when nothing answers at the address, and
 * {@link SkepClientException} when the connection breaks or the answer makes no sense.
 */
public final class SkepClient implements AutoCloseable {

    static final String USER_AGENT = "skep-client";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The longest silence in an answer: start, stop and restart may wait for instances. Deploys and
     * followed logs wait for ever.
     */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    private static final String JSON = "application/json";
    private static final String NDJSON = "application/x-ndjson";

    private final URI server;
    private final String token;
    private final Http1Client http;
    private final Answers answers;

    public SkepClient(URI server, String token) {
        this(server, token, null);
    }

    /** @param tls the TLS context for https (see {@link Tls#trusting}), or null for the JDK default */
    public SkepClient(URI server, String token, SSLContext tls) {
        this.server = ClientConfig.parseServer(server.toString());
        this.token = token;
        this.http = new Http1Client(this.server, tls, CONNECT_TIMEOUT);
        this.answers = new Answers(this.server, CONNECT_TIMEOUT);
    }

    public static SkepClient of(ClientConfig config) {
        SSLContext tls = config.caFile() == null ? null : Tls.trusting(config.caFile());
        return new SkepClient(config.server(), config.token(), tls);
    }

    public URI server() {
        return server;
    }

    // --- GET /version ---

    /** The server's version, e.g. "skep 0.1.0". */
    public String version() {
        Map<?, ?> answer = call("GET", "/version", null, Map.class);
        Object version = answer == null ? null : answer.get("version");
        if (version == null) {
            throw new SkepClientException("the answer of " + server + "/version has no version",
                    "is " + server + " a skep server?", null);
        }
        return version.toString();
    }

    // --- deploy ---

    /**
     * Uploads a tar.gz from a file (streamed, never whole in memory) as the next release of app.
     *
     * @param upload   hears bytes sent, on the calling thread; {@link UploadListener#NONE} or null to ignore
     * @param progress hears the server's stages as they happen (NDJSON); null to wait for the result only
     */
    public DeployResult deploy(AppId app, Path tarball, UploadListener upload, Consumer<DeployProgress> progress) {
        long size;
        try {
            size = Files.size(tarball);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tarball + ": " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(tarball)) {
            return deploy(app, in, size, upload, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tarball + ": " + e.getMessage(), e);
        }
    }

    /**
     * Uploads a tar.gz read from a stream (not closed here) as the next release of app.
     *
     * @param length the stream's size in bytes, or -1 when unknown (the upload is then chunked)
     */
    public DeployResult deploy(AppId app, InputStream tarball, long length, UploadListener upload,
                               Consumer<DeployProgress> progress) {
        UploadListener listener = upload == null ? UploadListener.NONE : upload;
        // Expect: 100-continue: a refused upload (401, 413 ...) is answered before it is sent
        Http1Request request = new Http1Request("POST", appPath(app) + "/releases",
                headers("Content-Type", "application/gzip", "Accept", progress == null ? JSON : NDJSON),
                new CountingInputStream(tarball, length, listener), length, true, null);
        String what = "deploying " + app;
        try (Http1Response response = send(request, what)) {
            if (progress == null || response.status() >= 400 || isJson(response)) {
                return json(response, readAll(response, what), DeployResult.class);
            }
            return readProgress(response, progress, what);
        }
    }

    private DeployResult readProgress(Http1Response response, Consumer<DeployProgress> progress, String what) {
        try (LineReader lines = new LineReader(response.body(), e -> answers.failure(e, what))) {
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isBlank()) {
                    continue;
                }
                DeployProgress step = parse(line.getBytes(StandardCharsets.UTF_8), DeployProgress.class, response);
                progress.accept(step);
                if ("done".equals(step.stage())) {
                    if (step.result() == null) {
                        throw answers.nonsense(response.uri(), "a 'done' line without a result");
                    }
                    return step.result();
                }
                if ("error".equals(step.stage())) {
                    ApiError error = step.error() != null ? step.error()
                            : new ApiError("deploy failed", step.message());
                    throw new SkepApiException(response.status(), error);
                }
            }
        }
        throw new SkepClientException("the deploy stream from " + server + " ended before the deploy finished",
                "see the server log; `skep ps` shows what runs now", null);
    }

    // --- one-offs ---

    /**
     * Runs {@code argv} once in the app's live release (`skep run`) and hands each output line to
     * {@code output} as it comes. The one-off is killed when this client hangs up (see {@link #close()}).
     *
     * @param started hears the one-off's id once it runs
     * @return its exit code
     */
    public int run(AppId app, List<String> argv, Consumer<String> started, Consumer<String> output) {
        Http1Request request = Http1Request.of("POST", appPath(app) + "/run",
                headers("Accept", NDJSON, "Content-Type", JSON), Json.write(Map.of("command", argv)), null);
        String what = "running a one-off in " + app;
        try (Http1Response response = send(request, what)) {
            if (response.status() >= 400 || isJson(response)) {
                throw Answers.apiError(response.status(), readAll(response, what));
            }
            try (LineReader lines = new LineReader(response.body(), e -> answers.failure(e, what))) {
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.isBlank()) {
                        continue; // the server's heartbeat
                    }
                    RunOutput step = parse(line.getBytes(StandardCharsets.UTF_8), RunOutput.class, response);
                    if (step.instance() != null) {
                        started.accept(step.instance());
                    } else if (step.line() != null) {
                        output.accept(step.line());
                    } else if (step.exit() != null) {
                        return step.exit();
                    } else if (step.error() != null) {
                        throw new SkepApiException(response.status(), step.error());
                    }
                }
            }
        }
        throw new SkepClientException("the one-off's stream from " + server + " ended before it did",
                "the server may have stopped; see its log", null);
    }

    // --- apps ---

    /** All apps this token may see; the list view may leave out instances and releases. */
    public List<AppView> apps() {
        return call("GET", "/v1/apps", null,
                Json.listOf(AppView.class));
    }

    /** One app with its instances and releases. */
    public AppView app(AppId app) {
        return call("GET", appPath(app), null, appView());
    }

    public AppView start(AppId app) {
        return call("POST", appPath(app) + "/start", null, appView());
    }

    public AppView stop(AppId app) {
        return call("POST", appPath(app) + "/stop", null, appView());
    }

    public AppView restart(AppId app) {
        return call("POST", appPath(app) + "/restart", null, appView());
    }

    /** Deletes the app, its releases and its instances. */
    public void delete(AppId app) {
        call("DELETE", appPath(app), null, null);
    }

    /** Sets how many instances the app wants. */
    public AppView scale(AppId app, int instances) {
        if (instances < 0) {
            throw new IllegalArgumentException("instances must be >= 0, found " + instances);
        }
        return call("PATCH", appPath(app), Map.of("instances", instances), appView());
    }

    /** Sets the instance counts of the process types named, e.g. {web: 2, worker: 0}; others keep theirs. */
    public AppView scale(AppId app, Map<String, Integer> formation) {
        formation.forEach((type, n) -> {
            if (n == null || n < 0) {
                throw new IllegalArgumentException(type + " instances must be >= 0, found " + n);
            }
        });
        return call("PATCH", appPath(app), Map.of("formation", formation), appView());
    }

    /**
     * Sets how long the app's new releases are watched, serving with the old one kept warm, before they count as
     * released (whole seconds; 0 turns it off).
     */
    public AppView setProbation(AppId app, long seconds) {
        return call("PATCH", appPath(app), Map.of("probation", seconds), appView());
    }

    /** Rolls back to the release before the current one. */
    public AppView rollback(AppId app) {
        return call("POST", appPath(app) + "/rollback", Map.of(), appView());
    }

    /** Rolls back (or forward) to a given release number. */
    public AppView rollback(AppId app, int release) {
        return call("POST", appPath(app) + "/rollback", Map.of("release", release), appView());
    }

    /** The labels an agent must carry to run the app's instances (empty: any agent). */
    public PlacementView placement(AppId app) {
        return call("GET", appPath(app) + "/placement", null, PlacementView.class);
    }

    /** Sets the app's constraints (all of them: an empty map lets it run on any agent). */
    public PlacementView setPlacement(AppId app, Map<String, String> constraints) {
        return call("PUT", appPath(app) + "/placement", new PlacementView(constraints),
                PlacementView.class);
    }

    // --- agents (admin) ---

    /** The agents: state, instances, memory, CPUs, labels, version. */
    public List<AgentView> agents() {
        return call("GET", "/v1/agents", null, Json.listOf(AgentView.class));
    }

    /** Drains an agent: no new work, its instances move away; {@code force} drains past apps pinned by volumes. */
    public AgentView drain(String agent, boolean force) {
        return call("POST", "/v1/agents/" + segment(agent) + "/drain" + (force ? "?force=true" : ""), Map.of(),
                AgentView.class);
    }

    /** Makes a drained agent eligible for work again. */
    public AgentView undrain(String agent) {
        return call("POST", "/v1/agents/" + segment(agent) + "/undrain", Map.of(), AgentView.class);
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // --- volumes ---

    /** The app's volumes, with their sizes where the API's host keeps them. */
    public VolumesView volumes(AppId app) {
        return call("GET", appPath(app) + "/volumes", null, VolumesView.class);
    }

    /** Adds a volume at {@code path} (relative to the app's root); the instances are replaced, rolling. */
    public VolumesView addVolume(AppId app, String path) {
        return call("POST", appPath(app) + "/volumes", Map.of("path", path), VolumesView.class);
    }

    /** Removes a volume; its data stays unless {@code purge}. */
    public VolumesView removeVolume(AppId app, String path, boolean purge) {
        return call("DELETE", appPath(app) + "/volumes/" + volumeSegment(path) + (purge ? "?purge=true" : ""), null,
                VolumesView.class);
    }

    /** Streams the volume as a tar.gz into {@code out}; returns the bytes written. */
    public long exportVolume(AppId app, String path, OutputStream out) {
        String what = "exporting volume " + path + " of " + app;
        Http1Request request = Http1Request.of("GET", appPath(app) + "/volumes/" + volumeSegment(path) + "/export",
                headers("Accept", "application/gzip"), null, null);
        try (Http1Response response = send(request, what)) {
            if (response.status() >= 400) {
                throw Answers.apiError(response.status(), readAll(response, what));
            }
            return response.body().transferTo(out);
        } catch (IOException e) {
            throw answers.failure(e, what);
        }
    }

    /** A volume path in a URL: "/" is written "+" (never part of a valid path). */
    private static String volumeSegment(String path) {
        return URLEncoder.encode(path.replace('/', '+'), StandardCharsets.UTF_8).replace("%2B", "+");
    }

    // --- domains ---

    /** The app's default host and custom domains. */
    public DomainsView domains(AppId app) {
        return call("GET", appPath(app) + "/domains", null, DomainsView.class);
    }

    /** Adds a custom domain ("shop.example.com" or "*.example.com"); CONFLICT when another app has it. */
    public DomainsView addDomain(AppId app, String domain) {
        return call("POST", appPath(app) + "/domains", Map.of("domain", domain), DomainsView.class);
    }

    public DomainsView removeDomain(AppId app, String domain) {
        return call("DELETE", appPath(app) + "/domains/" + URLEncoder.encode(domain, StandardCharsets.UTF_8), null,
                DomainsView.class);
    }

    // --- route settings and certificates ---

    /** The app's route settings (body limit, HTTPS only) and HTTPS certificates. */
    public EdgeClient edge() {
        return new EdgeClient(this);
    }

    // --- dashboard ---

    /** A one-time dashboard login link for the caller's token (works once, for 2 minutes). */
    public LoginLink dashboardLink() {
        return call("POST", "/v1/dashboard/links", Map.of(), LoginLink.class);
    }

    // --- users, tokens, audit ---

    /** Users, tokens and the audit log. */
    public Accounts accounts() {
        return new Accounts(this);
    }

    // --- env ---

    /** The app's env with values (owner only). */
    public EnvView env(AppId app) {
        return call("GET", appPath(app) + "/env", null, EnvView.class);
    }

    /** Sets and unsets env keys: makes a new release. The answer names keys only (values null). */
    public EnvView changeEnv(AppId app, EnvChange change) {
        return call("PATCH", appPath(app) + "/env", change, EnvView.class);
    }

    // --- monitor: events, metrics, alerts ---

    /** The monitor's calls: events (also live), metrics, alert settings. */
    public MonitorClient monitor() {
        return new MonitorClient(this, answers);
    }

    // --- logs ---

    /** The last {@code tail} log lines (all the server keeps when tail is null). */
    public List<String> logs(AppId app, Integer tail) {
        try (Stream<String> lines = logs(app, tail, false)) {
            return lines.toList();
        }
    }

    /**
     * Streams log lines to {@code sink} until the server ends the stream (follow), the (virtual)
     * thread is interrupted or the client is closed. Blocks; run it on a thread of its own to stop it
     * from elsewhere.
     */
    public void followLogs(AppId app, Integer tail, Consumer<String> sink) {
        try (Stream<String> lines = logs(app, tail, true)) {
            lines.forEach(sink);
        }
    }

    /**
     * Log lines as a lazy stream over the open HTTP answer; close it (try-with-resources) to hang
     * up. With follow, the stream ends only when the server ends it.
     */
    public Stream<String> logs(AppId app, Integer tail, boolean follow) {
        String query = "?follow=" + follow + (tail == null ? "" : "&tail=" + tail);
        return textLines(appPath(app) + "/logs" + query, "reading the logs of " + app, follow);
    }

    /** A deploy's whole output (install, build, release phase, rollout): release N's, or the newest deploy's. */
    public Stream<String> buildLog(AppId app, Integer release) {
        return textLines(appPath(app) + "/build-log" + (release == null ? "" : "?release=" + release),
                "reading the build log of " + app, false);
    }

    /** The app's releases, newest first, with status and build facts. */
    public List<ReleaseView> releases(AppId app) {
        return call("GET", appPath(app) + "/releases", null, Json.listOf(ReleaseView.class));
    }

    private Stream<String> textLines(String path, String what, boolean follow) {
        Http1Request request = Http1Request.of("GET", path, headers("Accept", "text/plain"),
                null, follow ? null : CALL_TIMEOUT);
        Http1Response response = send(request, what);
        if (response.status() >= 400) {
            try (response) {
                throw Answers.apiError(response.status(), readAll(response, what));
            }
        }
        LineReader lines = new LineReader(response.body(), e -> answers.failure(e, what));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(lines::close);
    }

    /** Hangs up every answer still being read (a log being followed, say), from any thread. */
    @Override
    public void close() {
        http.closeAll();
    }

    // --- plumbing ---

    private static String appPath(AppId app) {
        return "/v1/apps/" + app.user() + "/" + app.name();
    }

    private static Type appView() {
        return AppView.class;
    }

    /** The headers every call sends, and these. */
    Map<String, String> headers(String... namesAndValues) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("User-Agent", USER_AGENT);
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    /** One JSON call; type null means the answer has no body (204). Package-private for {@link Accounts}. */
    <T> T call(String method, String path, Object body, Type type) {
        Http1Request request = Http1Request.of(method, path,
                body == null ? headers("Accept", JSON) : headers("Accept", JSON, "Content-Type", JSON),
                body == null ? null : Json.write(body), CALL_TIMEOUT);
        String what = method + " " + path;
        try (Http1Response response = send(request, what)) {
            byte[] answer = readAll(response, what);
            return type == null ? checked(response, answer) : json(response, answer, type);
        }
    }

    private static <T> T checked(Http1Response response, byte[] body) {
        if (response.status() >= 400) {
            throw Answers.apiError(response.status(), body);
        }
        return null;
    }

    private <T> T json(Http1Response response, byte[] body, Type type) {
        checked(response, body);
        return parse(body, type, response);
    }

    <T> T parse(byte[] body, Type type, Http1Response response) {
        try {
            return Json.read(body, type);
        } catch (JsonException e) {
            throw answers.nonsense(response.uri(), "not the JSON expected (" + e.getMessage() + ")");
        }
    }

    private static boolean isJson(Http1Response response) {
        String type = response.header("Content-Type");
        return type != null && type.startsWith(JSON);
    }

    byte[] readAll(Http1Response response, String what) {
        try {
            return response.body().readAllBytes();
        } catch (IOException e) {
            throw answers.failure(e, what);
        }
    }

    Http1Response send(Http1Request request, String what) {
        try {
            return http.send(request);
        } catch (IOException e) {
            throw answers.failure(e, what);
        }
    }
}
