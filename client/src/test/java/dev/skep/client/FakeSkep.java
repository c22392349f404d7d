package dev.skep.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on port 0 that plays skep's API from a script: it checks the bearer token,
 * records every request (method, path, query, headers, body) and answers what the test said.
 * Used by the client's and the CLI's tests.
 */
public final class FakeSkep implements AutoCloseable {

    public static final String TOKEN = "test-token";

    /** One request as the server saw it; the body is read whole before the handler runs. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query);
        }
    }

    /** Writes the answer; may stream (write, flush, wait) as long as it likes. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange, Request request) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public FakeSkep() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::serve);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers METHOD path (no query) with a status and a JSON body (null: no body). */
    public FakeSkep on(String method, String path, int status, String json) {
        return on(method, path, (exchange, request) -> respond(exchange, status, "application/json", json));
    }

    public FakeSkep on(String method, String path, Handler handler) {
        routes.put(method + " " + path, handler);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public Request last() {
        if (requests.isEmpty()) {
            throw new AssertionError("the fake server got no request");
        }
        return requests.get(requests.size() - 1);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            URI uri = exchange.getRequestURI();
            Request request = new Request(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            requests.add(request);
            if (!("Bearer " + TOKEN).equals(request.header("Authorization"))) {
                respond(exchange, 401, "application/json",
                        "{\"error\":\"unauthorized\",\"detail\":\"pass a valid token\"}");
                return;
            }
            Handler handler = routes.get(request.method() + " " + request.path());
            if (handler == null) {
                respond(exchange, 404, "application/json",
                        "{\"error\":\"no route " + request.method() + " " + request.path() + "\"}");
                return;
            }
            handler.handle(exchange, request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Starts a streamed (chunked) answer; write lines and flush them one by one. */
    public static OutputStream stream(HttpExchange exchange, int status, String contentType) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, 0);
        return exchange.getResponseBody();
    }

    public static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
