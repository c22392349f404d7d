package dev.skep.client;

import dev.skep.model.AppId;
import dev.skep.model.view.AgentView;
import dev.skep.model.view.AppView;
import dev.skep.model.view.DeployProgress;
import dev.skep.model.view.DeployResult;
import dev.skep.model.view.DomainsView;
import dev.skep.model.view.EnvChange;
import dev.skep.model.view.EnvView;
import dev.skep.model.view.LoginLink;
import dev.skep.model.view.PlacementView;
import dev.skep.model.view.ProbationView;
import dev.skep.model.view.ReleaseView;
import dev.skep.model.view.VolumesView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * A typed client of skep's HTTP API, one method per endpoint. Thread-safe; close it when done.
 *
 * <p>Every method throws {@link SkepApiException} when the server says no (4xx/5xx),
 * {@link SkepUnreachableException} when nothing answers at the address, and
 * {@link SkepClientException} when the connection breaks or the answer makes no sense.
 */
public final class SkepClient implements AutoCloseable {

    private final URI server;
    private final ApiCalls api;

    public SkepClient(URI server, String token) {
        this(server, token, null);
    }

    /** @param tls the TLS context for https (see {@link Tls#trusting}), or null for the JDK default */
    public SkepClient(URI server, String token, SSLContext tls) {
        this.server = ClientConfig.parseServer(server.toString());
        this.api = new ApiCalls(this.server, token, tls);
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
        return new DeployUpload(api).deploy(app, tarball, upload, progress);
    }

    /**
     * Uploads a tar.gz read from a stream (not closed here) as the next release of app.
     *
     * @param length the stream's size in bytes, or -1 when unknown (the upload is then chunked)
     */
    public DeployResult deploy(AppId app, InputStream tarball, long length, UploadListener upload,
                               Consumer<DeployProgress> progress) {
        return new DeployUpload(api).deploy(app, tarball, length, upload, progress);
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
        return new OneOffCall(api).run(app, argv, started, output);
    }

    // --- apps ---

    /** All apps this token may see; the list view may leave out instances and releases. */
    public List<AppView> apps() {
        return call("GET", "/v1/apps", null,
                Json.listOf(AppView.class));
    }

    /** One app with its instances and releases. */
    public AppView app(AppId app) {
        return call("GET", appPath(app), null, AppView.class);
    }

    public AppView start(AppId app) {
        return call("POST", appPath(app) + "/start", null, AppView.class);
    }

    public AppView stop(AppId app) {
        return call("POST", appPath(app) + "/stop", null, AppView.class);
    }

    public AppView restart(AppId app) {
        return call("POST", appPath(app) + "/restart", null, AppView.class);
    }

    /** Creates the app with no release (its env may be set before its first deploy). */
    public AppView create(AppId app) {
        return call("POST", appPath(app), null, AppView.class);
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
        return call("PATCH", appPath(app), Map.of("instances", instances), AppView.class);
    }

    /** Sets the instance counts of the process types named, e.g. {web: 2, worker: 0}; others keep theirs. */
    public AppView scale(AppId app, Map<String, Integer> formation) {
        formation.forEach((type, n) -> {
            if (n == null || n < 0) {
                throw new IllegalArgumentException(type + " instances must be >= 0, found " + n);
            }
        });
        return call("PATCH", appPath(app), Map.of("formation", formation), AppView.class);
    }

    /**
     * Sets how long the app's new releases are watched, serving with the old one kept warm, before they count as
     * released (whole seconds; 0 turns it off).
     */
    public AppView setProbation(AppId app, long seconds) {
        return call("PATCH", appPath(app), Map.of("probation", seconds), AppView.class);
    }

    /** The app's probation window in force, and whether it is the install's default. */
    public ProbationView probation(AppId app) {
        return call("GET", appPath(app) + "/probation", null, ProbationView.class);
    }

    /** Rolls back to the release before the current one. */
    public AppView rollback(AppId app) {
        return call("POST", appPath(app) + "/rollback", Map.of(), AppView.class);
    }

    /** Rolls back (or forward) to a given release number. */
    public AppView rollback(AppId app, int release) {
        return call("POST", appPath(app) + "/rollback", Map.of("release", release), AppView.class);
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
        return call("POST", "/v1/agents/" + ApiPaths.segment(agent) + "/drain" + (force ? "?force=true" : ""), Map.of(),
                AgentView.class);
    }

    /** Makes a drained agent eligible for work again. */
    public AgentView undrain(String agent) {
        return call("POST", "/v1/agents/" + ApiPaths.segment(agent) + "/undrain", Map.of(), AgentView.class);
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
        return call("DELETE", appPath(app) + "/volumes/" + ApiPaths.volume(path) + (purge ? "?purge=true" : ""), null,
                VolumesView.class);
    }

    /** Streams the volume as a tar.gz into {@code out}; returns the bytes written. */
    public long exportVolume(AppId app, String path, OutputStream out) {
        String what = "exporting volume " + path + " of " + app;
        Http1Request request = Http1Request.of("GET", appPath(app) + "/volumes/" + ApiPaths.volume(path) + "/export",
                api.headers("Accept", "application/gzip"), null, null);
        try (Http1Response response = api.send(request, what)) {
            api.requireSuccess(response, what);
            return response.body().transferTo(out);
        } catch (IOException e) {
            throw api.answers().failure(e, what);
        }
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
        return call("DELETE", appPath(app) + "/domains/" + ApiPaths.encoded(domain), null,
                DomainsView.class);
    }

    // --- route settings and certificates ---

    /** The app's route settings (body limit, HTTPS only) and HTTPS certificates. */
    public EdgeClient edge() {
        return new EdgeClient(api);
    }

    // --- dashboard ---

    /** A one-time dashboard login link for the caller's token (works once, for 2 minutes). */
    public LoginLink dashboardLink() {
        return call("POST", "/v1/dashboard/links", Map.of(), LoginLink.class);
    }

    // --- users, tokens, audit ---

    /** Users, tokens and the audit log. */
    public Accounts accounts() {
        return new Accounts(api);
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
        return new MonitorClient(api);
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

    /** Hangs up every answer still being read (a log being followed, say), from any thread. */
    @Override
    public void close() {
        api.closeAll();
    }

    // --- plumbing ---

    private static String appPath(AppId app) {
        return ApiPaths.app(app);
    }

    private <T> T call(String method, String path, Object body, Type type) {
        return api.call(method, path, body, type);
    }

    private Stream<String> textLines(String path, String what, boolean follow) {
        return api.textLines(path, what, follow);
    }
}
