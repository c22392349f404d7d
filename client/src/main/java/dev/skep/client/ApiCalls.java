package dev.skep.client;

import java.io.IOException;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.net.ssl.SSLContext;

/**
 * How a call reaches skep's API and its answer comes back: the headers every call sends, JSON in and out, streamed
 * answers read line by line, and failures as the client's exceptions. {@link SkepClient} and its parts (accounts,
 * edge, monitor, deploys, one-offs) each say what to call; this is the one place that says how.
 */
final class ApiCalls {

    static final String USER_AGENT = "skep-client";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The longest silence in an answer: start, stop and restart may wait for instances. Deploys and
     * followed logs wait for ever.
     */
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";

    private final URI server;
    private final String token;
    private final Http1Client http;
    private final Answers answers;

    /** @param server already parsed ({@link ClientConfig#parseServer}); tls null for the JDK default */
    ApiCalls(URI server, String token, SSLContext tls) {
        this.server = server;
        this.token = token;
        this.http = new Http1Client(server, tls, CONNECT_TIMEOUT);
        this.answers = new Answers(server, CONNECT_TIMEOUT);
    }

    URI server() {
        return server;
    }

    Answers answers() {
        return answers;
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

    /** One JSON call; type null means the answer has no body (204). */
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

    /** The answer's body as {@code type}, or the server's error when it said no. */
    <T> T json(Http1Response response, byte[] body, Type type) {
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

    /** The server's error in an answer that said no (read whole). */
    SkepApiException error(Http1Response response, String what) {
        return Answers.apiError(response.status(), readAll(response, what));
    }

    /** Throws the server's error when the answer said no. */
    void requireSuccess(Http1Response response, String what) {
        if (response.status() >= 400) {
            throw error(response, what);
        }
    }

    static boolean isJson(Http1Response response) {
        String type = response.header("Content-Type");
        return type != null && type.startsWith(JSON);
    }

    /**
     * Hands each line of an NDJSON answer, as {@code type}, to {@code step} until it returns something, and
     * returns that; null when the answer ended first. Blank lines (the server's heartbeats) are passed over.
     */
    <T, R> R eachJsonLine(Http1Response response, String what, Type type, Function<T, R> step) {
        try (LineReader lines = lines(response, what)) {
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isBlank()) {
                    continue;
                }
                T item = parse(line.getBytes(StandardCharsets.UTF_8), type, response);
                R result = step.apply(item);
                if (result != null) {
                    return result;
                }
            }
        }
        return null;
    }

    /** A streamed answer's lines; read failures become the client's exceptions. */
    LineReader lines(Http1Response response, String what) {
        return new LineReader(response.body(), e -> answers.failure(e, what));
    }

    /** A text answer's lines as a lazy stream over the open answer; closing the stream hangs up. */
    Stream<String> textLines(String path, String what, boolean follow) {
        Http1Request request = Http1Request.of("GET", path, headers("Accept", "text/plain"),
                null, follow ? null : CALL_TIMEOUT);
        Http1Response response = send(request, what);
        if (response.status() >= 400) {
            try (response) {
                throw error(response, what);
            }
        }
        LineReader lines = lines(response, what);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(lines::close);
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

    /** Hangs up every answer still being read, from any thread. */
    void closeAll() {
        http.closeAll();
    }
}
