package dev.skep.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import dev.skep.model.AppId;
import dev.skep.model.view.ApiError;
import dev.skep.model.view.AppView;
import dev.skep.model.view.DeployProgress;
import dev.skep.model.view.DeployResult;
import dev.skep.model.view.EnvChange;
import dev.skep.model.view.EnvView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
    /** Start, stop and restart may wait for instances; deploys and log streams have no limit. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    private static final String JSON = "application/json";
    private static final String NDJSON = "application/x-ndjson";

    private final URI server;
    private final String token;
    private final HttpClient http;
    private final Answers answers;

    public SkepClient(URI server, String token) {
        this(server, token, null);
    }

    /** @param tls the TLS context for https (see {@link Tls#trusting}), or null for the JDK default */
    public SkepClient(URI server, String token, SSLContext tls) {
        this.server = ClientConfig.parseServer(server.toString());
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        } else if ("http".equalsIgnoreCase(this.server.getScheme())) {
            builder.sslContext(Tls.unused()); // the JDK's default context costs ~100 ms of start-up
        }
        this.http = builder.build();
        this.answers = new Answers(this.server, CONNECT_TIMEOUT);
    }

    public static SkepClient of(ClientConfig config) {
        SSLContext tls = config.caFile() == null ? null : Tls.trusting(config.caFile());
        return new SkepClient(config.server(), config.token(), tls);
    }

    /**
     * Loads and links what a first call needs (the JSON mapping of the views, the HTTP classes),
     * so that a CLI can do it on another core while it parses its arguments. Any thread, any
     * number of times; it sends nothing.
     */
    public static void warmUp() {
        try {
            Json.MAPPER.readValue("[{\"updated\":\"2026-01-01T00:00:00Z\",\"instances\":[{\"since\":null}],"
                    + "\"releases\":[{\"number\":1}]}]", Json.MAPPER.getTypeFactory()
                    .constructCollectionType(List.class, AppView.class));
            Json.MAPPER.readValue("{\"stage\":\"done\",\"result\":{\"instances\":[]}}", DeployProgress.class);
            Json.MAPPER.readValue("{\"error\":\"x\"}", ApiError.class);
            HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Accept", JSON).GET().build();
        } catch (IOException | RuntimeException e) {
            // only a head start: whatever failed here fails again, and is reported, on the real call
        }
    }

    public URI server() {
        return server;
    }

    // --- GET /version ---

    /** The server's version, e.g. "skep 0.1.0". */
    public String version() {
        Map<?, ?> answer = call("GET", "/version", null, Json.MAPPER.constructType(Map.class));
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
     * @param upload   hears bytes sent, on an HTTP client thread; {@link UploadListener#NONE} to ignore
     * @param progress hears the server's stages as they happen (NDJSON); null to wait for the result only
     */
    public DeployResult deploy(AppId app, Path tarball, UploadListener upload, Consumer<DeployProgress> progress) {
        long size;
        try {
            size = Files.size(tarball);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tarball + ": " + e.getMessage(), e);
        }
        return deploy(app, () -> {
            try {
                return Files.newInputStream(tarball);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + tarball + ": " + e.getMessage(), e);
            }
        }, size, upload, progress);
    }

    /**
     * Uploads a tar.gz read from a stream (not closed here) as the next release of app.
     *
     * @param length the stream's size in bytes, or -1 when unknown (the upload is then chunked)
     */
    public DeployResult deploy(AppId app, InputStream tarball, long length, UploadListener upload,
                               Consumer<DeployProgress> progress) {
        return deploy(app, () -> tarball, length, upload, progress);
    }

    private DeployResult deploy(AppId app, Supplier<InputStream> source, long length, UploadListener upload,
                                Consumer<DeployProgress> progress) {
        UploadListener listener = upload == null ? UploadListener.NONE : upload;
        BodyPublisher stream = BodyPublishers.ofInputStream(
                () -> new CountingInputStream(source.get(), length, listener));
        BodyPublisher body = length >= 0 ? BodyPublishers.fromPublisher(stream, length) : stream;
        HttpRequest request = request(appPath(app) + "/releases")
                .header("Content-Type", "application/gzip")
                .header("Accept", progress == null ? JSON : NDJSON)
                .expectContinue(true) // a refused upload (401, 413 ...) is answered before it is sent
                .POST(body)
                .build();
        String what = "deploying " + app;
        if (progress == null) {
            return json(send(request, BodyHandlers.ofByteArray(), what), Json.MAPPER.constructType(DeployResult.class));
        }
        HttpResponse<InputStream> response = send(request, BodyHandlers.ofInputStream(), what);
        return readProgress(response, progress, what);
    }

    private DeployResult readProgress(HttpResponse<InputStream> response, Consumer<DeployProgress> progress,
                                      String what) {
        if (response.statusCode() >= 400 || isJson(response)) {
            byte[] all = readAll(response, what);
            return json(withBody(response, all), Json.MAPPER.constructType(DeployResult.class));
        }
        try (LineReader lines = new LineReader(response.body(), e -> answers.failure(e, what))) {
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isBlank()) {
                    continue;
                }
                DeployProgress step = parse(line.getBytes(StandardCharsets.UTF_8),
                        Json.MAPPER.constructType(DeployProgress.class), response);
                progress.accept(step);
                if ("done".equals(step.stage())) {
                    if (step.result() == null) {
                        throw answers.nonsense(response, "a 'done' line without a result");
                    }
                    return step.result();
                }
                if ("error".equals(step.stage())) {
                    ApiError error = step.error() != null ? step.error()
                            : new ApiError("deploy failed", step.message());
                    throw new SkepApiException(response.statusCode(), error);
                }
            }
        }
        throw new SkepClientException("the deploy stream from " + server + " ended before the deploy finished",
                "see the server log; `skep ps` shows what runs now", null);
    }

    // --- apps ---

    /** All apps this token may see; the list view may leave out instances and releases. */
    public List<AppView> apps() {
        return call("GET", "/v1/apps", null,
                Json.MAPPER.getTypeFactory().constructCollectionType(List.class, AppView.class));
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

    /** Rolls back to the release before the current one. */
    public AppView rollback(AppId app) {
        return call("POST", appPath(app) + "/rollback", Map.of(), appView());
    }

    /** Rolls back (or forward) to a given release number. */
    public AppView rollback(AppId app, int release) {
        return call("POST", appPath(app) + "/rollback", Map.of("release", release), appView());
    }

    // --- domains ---

    /** The app's default host and custom domains. */
    public dev.skep.model.view.DomainsView domains(AppId app) {
        return call("GET", appPath(app) + "/domains", null, Json.MAPPER.constructType(dev.skep.model.view.DomainsView.class));
    }

    /** Adds a custom domain ("shop.example.com" or "*.example.com"); CONFLICT when another app has it. */
    public dev.skep.model.view.DomainsView addDomain(AppId app, String domain) {
        return call("POST", appPath(app) + "/domains", Map.of("domain", domain),
                Json.MAPPER.constructType(dev.skep.model.view.DomainsView.class));
    }

    public dev.skep.model.view.DomainsView removeDomain(AppId app, String domain) {
        return call("DELETE", appPath(app) + "/domains/" + java.net.URLEncoder.encode(domain,
                java.nio.charset.StandardCharsets.UTF_8), null, Json.MAPPER.constructType(dev.skep.model.view.DomainsView.class));
    }

    // --- users, tokens, audit ---

    /** Users, tokens and the audit log. */
    public Accounts accounts() {
        return new Accounts(this);
    }

    // --- env ---

    /** The app's env with values (owner only). */
    public EnvView env(AppId app) {
        return call("GET", appPath(app) + "/env", null, Json.MAPPER.constructType(EnvView.class));
    }

    /** Sets and unsets env keys: makes a new release. The answer names keys only (values null). */
    public EnvView changeEnv(AppId app, EnvChange change) {
        return call("PATCH", appPath(app) + "/env", change, Json.MAPPER.constructType(EnvView.class));
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
     * Streams log lines to {@code sink} until the server ends the stream (follow) or the thread is
     * interrupted. Blocks; run it on a thread of its own to stop it from elsewhere.
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
        String what = "reading the logs of " + app;
        HttpRequest.Builder builder = request(appPath(app) + "/logs" + query)
                .header("Accept", "text/plain")
                .GET();
        if (!follow) {
            builder.timeout(CALL_TIMEOUT);
        }
        HttpResponse<InputStream> response = send(builder.build(), BodyHandlers.ofInputStream(), what);
        if (response.statusCode() >= 400) {
            throw Answers.apiError(response.statusCode(), readAll(response, what));
        }
        LineReader lines = new LineReader(response.body(), e -> answers.failure(e, what));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(lines::close);
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    // --- plumbing ---

    private static String appPath(AppId app) {
        return "/v1/apps/" + app.user() + "/" + app.name();
    }

    private static JavaType appView() {
        return Json.MAPPER.constructType(AppView.class);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server + path))
                .header("Authorization", "Bearer " + token)
                .header("User-Agent", USER_AGENT);
    }

    /** One JSON call; type null means the answer has no body (204). Package-private for {@link Accounts}. */
    <T> T call(String method, String path, Object body, JavaType type) {
        HttpRequest.Builder builder = request(path).timeout(CALL_TIMEOUT).header("Accept", JSON);
        if (body == null) {
            builder.method(method, BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", JSON).method(method, BodyPublishers.ofByteArray(write(body)));
        }
        HttpResponse<byte[]> response = send(builder.build(), BodyHandlers.ofByteArray(), method + " " + path);
        return type == null ? checked(response) : json(response, type);
    }

    private <T> T checked(HttpResponse<byte[]> response) {
        if (response.statusCode() >= 400) {
            throw Answers.apiError(response.statusCode(), response.body());
        }
        return null;
    }

    private <T> T json(HttpResponse<byte[]> response, JavaType type) {
        checked(response);
        return parse(response.body(), type, response);
    }

    private <T> T parse(byte[] body, JavaType type, HttpResponse<?> response) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw answers.nonsense(response, "not the JSON expected (" + why + ")");
        }
    }

    private static byte[] write(Object body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static boolean isJson(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("").startsWith(JSON);
    }

    byte[] readAll(HttpResponse<InputStream> response, String what) {
        try (InputStream in = response.body()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw answers.failure(e, what);
        }
    }

    private static HttpResponse<byte[]> withBody(HttpResponse<InputStream> response, byte[] body) {
        return new BufferedResponse(response, body);
    }

    <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler, String what) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw answers.failure(e, what);
        } catch (UncheckedIOException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkepClientException("interrupted while " + what, null, e);
        }
    }
}
