package dev.skep.server;

import dev.skep.api.ApiJson;
import dev.skep.api.openapi.OpenApiDocument;
import dev.skep.server.e2e.SkepServerProcess;
import dev.skep.server.version.Version;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * /v1/openapi.json against a real skep server run in this JVM, both ways: every /v1 route the API registers is in
 * the document, and every route the document names answers (not "no such route") when called with a real token.
 * The calls also hold the document's auth to the truth: without a token each route answers 401 (but the public
 * ones), a plain user gets 403 "admin only" exactly from the admin routes, and every status seen is documented.
 */
class OpenApiConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Path parameters for the probes: an app and things that do not exist, so no call changes anything real. */
    private static final Map<String, String> PARAMETERS = Map.of("user", "probe", "app", "nothing", "domain",
            "shop.example.com", "path", "data", "instance", "probe.nothing.1.web.1.abcdef", "id", "0000000000000000",
            "slug", "0123456789abcdef");

    @TempDir
    static Path dir;

    static SkepServer server;
    static String admin;
    static String user;
    static JsonNode document;

    @BeforeAll
    static void start() throws Exception {
        Path data = Files.createDirectories(dir.resolve("home")).resolve("data");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(data.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        ServerCommand command = new ServerCommand();
        int appPorts = SkepServerProcess.appPorts(1);
        new CommandLine(command).parseArgs("--data-dir", data.toString(), "--api-port", String.valueOf(freePort()),
                "--router-port", String.valueOf(freePort()), "--app-ports", appPorts + "-" + (appPorts + 9));
        server = SkepServer.start(command.config(System.getenv()), event -> { }, Clock.systemUTC());
        admin = Files.readString(data.resolve("admin.token")).trim();
        HttpResponse<String> made = call("POST", "/v1/users", admin, "{\"name\": \"probe-user\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        user = JSON.readTree(made.body()).get("token").asText();
        HttpResponse<String> served = call("GET", "/v1/openapi.json", null, null);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        document = JSON.readTree(served.body());
        // a controller serves a document of the routes it registered; `skep server` registers them all, so what it
        // serves is the whole table: the checks below then cover every route the table names
        assertThat(document).isEqualTo(JSON.readTree(ApiJson.MAPPER.writeValueAsString(
                OpenApiDocument.build(Version.current()))));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyRegisteredV1RouteIsDocumented() {
        List<String> registered = server.api().routes().stream().filter(r -> r.split(" ", 2)[1].startsWith("/v1/"))
                .toList();
        assertThat(registered).hasSizeGreaterThan(40); // the introspection found the routes at all
        assertThat(documented()).containsAll(registered);
    }

    @Test
    void everyDocumentedRouteIsServed() throws Exception {
        HttpResponse<String> missing = call("GET", "/v1/apps/probe/nothing/no-such-thing", admin, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(noSuchRoute(missing.body())).as(missing.body()).isTrue(); // the check below can see a missing route
        List<String> problems = new ArrayList<>();
        for (String route : documented()) {
            String method = route.split(" ", 2)[0];
            String path = route.split(" ", 2)[1];
            HttpResponse<String> answer = call(method, concrete(path), admin, null);
            if (answer.statusCode() == 405 || (answer.statusCode() == 404 && noSuchRoute(answer.body()))) {
                problems.add(route + " answered " + answer.statusCode() + " " + answer.body());
            }
        }
        assertThat(problems).isEmpty();
        assertThat(server.api().routes()).containsAll(documented()); // and Javalin has each one by that very name
    }

    @Test
    void theDocumentedAccessIsWhatTheApiChecks() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String route : documented()) {
            String method = route.split(" ", 2)[0];
            String path = route.split(" ", 2)[1];
            JsonNode operation = operation(route);
            String access = operation.get("x-skep-access").asText();
            Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
            answers.put("no token", call(method, concrete(path), null, null));
            answers.put("a user's token", call(method, concrete(path), user, null));
            answers.put("the admin's token", call(method, concrete(path), admin, null));
            int anonymous = answers.get("no token").statusCode();
            boolean needsUser = !access.equals("public") && !access.equals("heartbeat secret");
            if (needsUser != (anonymous == 401)) {
                problems.add(route + " (" + access + ") without a token answered " + anonymous);
            }
            HttpResponse<String> plain = answers.get("a user's token");
            boolean adminOnly = plain.statusCode() == 403 && plain.body().contains("admin only");
            if (adminOnly != access.equals("admin")) {
                problems.add(route + " (" + access + ") for a plain user answered " + plain.statusCode() + " "
                        + plain.body());
            }
            answers.forEach((who, answer) -> {
                int status = answer.statusCode();
                if (status >= 400 && !operation.get("responses").has(Integer.toString(status))) {
                    problems.add(route + " with " + who + " answered " + status + ", not documented: " + answer.body());
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theDocumentIsOpenApi31WithResolvableSchemas() {
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.at("/components/securitySchemes/bearerToken/scheme").asText()).isEqualTo("bearer");
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/components/schemas/");
            assertThat(document.at("/components/schemas").has(ref.substring("#/components/schemas/".length())))
                    .as(ref).isTrue();
        }
        // a route's error body is skep's {error, detail}
        assertThat(document.at("/paths/~1v1~1apps~1{user}~1{app}/get/responses/404/content/application~1json/schema/$ref")
                .asText()).isEqualTo("#/components/schemas/ApiError");
        assertThat(document.at("/components/schemas/ApiError/properties").has("detail")).isTrue();
    }

    /**
     * A 404 of the router, not of a route: Javalin's "Endpoint GET /x not found" (through the API's error mapper),
     * or the API's own "no such route" (its 404 handler, for answers without a body).
     */
    private static boolean noSuchRoute(String body) {
        return body.matches("(?s).*\"error\":\"(Endpoint [A-Z]+ \\S+ not found|no such route).*");
    }

    private static TreeSet<String> documented() {
        TreeSet<String> routes = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(m -> {
            if (!m.equals("parameters")) {
                routes.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return routes;
    }

    private static JsonNode operation(String route) {
        String[] parts = route.split(" ", 2);
        return document.get("paths").get(parts[1]).get(parts[0].toLowerCase(Locale.ROOT));
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("$ref")) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }

    private static String concrete(String path) {
        String out = path;
        for (Map.Entry<String, String> p : PARAMETERS.entrySet()) {
            out = out.replace("{" + p.getKey() + "}", p.getValue());
        }
        assertThat(out).as("a path parameter of " + path + " without a probe value").doesNotContain("{");
        return out;
    }

    /** One call; no body (a route that needs one refuses that, which is an answer too). */
    private static HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
