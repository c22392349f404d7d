package dev.skep.hosts.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local fake of DigitalOcean's droplets API (the parts skep uses), on a real socket: it checks the bearer token
 * and the create body as the real API documents them, answers a droplet 'new' for the first {@code looksUntilActive}
 * GETs and then 'active' with {@code address} as its public v4 network. Not the real cloud.
 */
final class FakeDropletsApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String token;
    private final String address;
    private final int looksUntilActive;
    private final AtomicInteger nextId = new AtomicInteger(3164444);
    final Map<String, AtomicInteger> looks = new ConcurrentHashMap<>();
    final List<JsonNode> created = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    /** @param looksUntilActive GETs that answer 'new' before 'active'; -1 for never active */
    FakeDropletsApi(String token, String address, int looksUntilActive) throws IOException {
        this.token = token;
        this.address = address;
        this.looksUntilActive = looksUntilActive;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/droplets", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            requests.add(x.getRequestMethod() + " " + path);
            if (!("Bearer " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                answer(x, 401, "{\"id\":\"unauthorized\",\"message\":\"Unable to authenticate you.\"}");
                return;
            }
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if ("POST".equals(x.getRequestMethod()) && "/v2/droplets".equals(path)) {
                create(x, body);
            } else if ("GET".equals(x.getRequestMethod()) && path.startsWith("/v2/droplets/")) {
                String id = path.substring("/v2/droplets/".length());
                AtomicInteger seen = looks.get(id);
                if (seen == null) {
                    answer(x, 404, "{\"id\":\"not_found\",\"message\":\"The resource you were accessing could not be found.\"}");
                    return;
                }
                int n = seen.incrementAndGet();
                boolean active = looksUntilActive >= 0 && n > looksUntilActive;
                answer(x, 200, droplet(id, active));
            } else if ("DELETE".equals(x.getRequestMethod()) && path.startsWith("/v2/droplets/")) {
                String id = path.substring("/v2/droplets/".length());
                if (looks.remove(id) == null) {
                    answer(x, 404, "{\"id\":\"not_found\",\"message\":\"The resource you were accessing could not be found.\"}");
                    return;
                }
                deleted.add(id);
                x.sendResponseHeaders(204, -1);
            } else {
                answer(x, 405, "{\"id\":\"method_not_allowed\",\"message\":\"\"}");
            }
        }
    }

    private void create(HttpExchange x, String body) throws IOException {
        if (!"application/json".equals(x.getRequestHeaders().getFirst("Content-Type"))) {
            answer(x, 415, "{\"id\":\"unsupported_media_type\",\"message\":\"send JSON\"}");
            return;
        }
        JsonNode request = JSON.readTree(body);
        for (String field : List.of("name", "region", "size", "image")) {
            if (!request.path(field).isTextual() || request.path(field).asText().isBlank()) {
                answer(x, 422, "{\"id\":\"unprocessable_entity\",\"message\":\"" + field + " is required\"}");
                return;
            }
        }
        if (!"nyc3".equals(request.path("region").asText())) {
            answer(x, 422, "{\"id\":\"unprocessable_entity\",\"message\":\"Region is not available\"}");
            return;
        }
        if (!request.path("ssh_keys").isArray() || request.path("ssh_keys").isEmpty()) {
            answer(x, 422, "{\"id\":\"unprocessable_entity\",\"message\":\"ssh_keys is required here\"}");
            return;
        }
        created.add(request);
        String id = String.valueOf(nextId.getAndIncrement());
        looks.put(id, new AtomicInteger());
        answer(x, 202, droplet(id, false));
    }

    private String droplet(String id, boolean active) {
        String v4 = active ? "[{\"ip_address\":\"10.128.0.9\",\"type\":\"private\"},"
                + "{\"ip_address\":\"" + address + "\",\"netmask\":\"255.255.240.0\",\"type\":\"public\"}]" : "[]";
        return "{\"droplet\":{\"id\":" + id + ",\"status\":\"" + (active ? "active" : "new")
                + "\",\"networks\":{\"v4\":" + v4 + ",\"v6\":[]}}}";
    }

    private static void answer(HttpExchange x, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
