package dev.skep.api.openapi;

import dev.skep.api.openapi.Operation.Access;
import dev.skep.model.view.ApiError;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The OpenAPI 3.1 document of {@link V1Routes}: paths, auth, bodies, answers and errors, schemas from the records. */
public final class OpenApiDocument {

    private static final Map<String, String> PATH_PARAMETERS = Map.of(
            "user", "the app's owner, e.g. alice",
            "app", "the app's name, e.g. shop",
            "domain", "a custom domain of the app, or its default host",
            "path", "the volume's path relative to the app's root, a / written + (var+uploads)",
            "instance", "the instance id, e.g. alice.shop.3.web.1.a1b2c3",
            "id", "a token id",
            "slug", "a slug id");

    private static final Map<Integer, String> REASONS = Map.of(
            400, "Bad request", 401, "Unauthorized", 403, "Forbidden", 404, "Not found", 409, "Conflict",
            413, "Too large", 422, "Unprocessable", 429, "Too many failed logins", 503, "Unavailable",
            504, "Timed out");

    private OpenApiDocument() {
    }

    /** The document of every /v1 route there is, as a JSON-ready tree. */
    public static Map<String, Object> build(String version) {
        return build(version, route -> true);
    }

    /**
     * The document of the routes this API serves ({@code served} takes "METHOD /path"): a controller of a cluster
     * runs no monitor, and its document leaves the monitor's routes out rather than promise what would 404.
     */
    public static Map<String, Object> build(String version, Predicate<String> served) {
        RecordSchemas schemas = new RecordSchemas();
        schemas.of(ApiError.class);
        Map<String, Map<String, Object>> paths = new TreeMap<>();
        for (Operation op : V1Routes.all()) {
            if (!served.test(op.key())) {
                continue;
            }
            Map<String, Object> item = paths.computeIfAbsent(op.path(), p -> pathItem(p));
            item.put(op.method().toLowerCase(Locale.ROOT), operation(op, schemas));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "skep API", "version", version, "description",
                "Every error is {\"error\": what failed, \"detail\": what to do} with its status. A user manages only "
                        + "/v1/apps/USER/...; an admin manages all apps and the users. x-skep-access says who may "
                        + "call each route. haibu's routes (/deploy, /drones), /version and /metrics are in the "
                        + "README."));
        doc.put("security", List.of(Map.of("bearerToken", List.of()), Map.of("basicToken", List.of()),
                Map.of("session", List.of(), "csrf", List.of())));
        doc.put("paths", paths);
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("securitySchemes", securitySchemes());
        components.put("schemas", schemas.components());
        doc.put("components", components);
        return doc;
    }

    private static Map<String, Object> securitySchemes() {
        Map<String, Object> schemes = new LinkedHashMap<>();
        schemes.put("bearerToken", Map.of("type", "http", "scheme", "bearer",
                "description", "a user token (skep users add, skep tokens add)"));
        schemes.put("basicToken", Map.of("type", "http", "scheme", "basic",
                "description", "any user name, the token as the password (haibu's clients)"));
        schemes.put("session", Map.of("type", "apiKey", "in", "cookie", "name", "skep_session",
                "description", "a dashboard session (POST /v1/dashboard/session); needs the csrf header too"));
        schemes.put("csrf", Map.of("type", "apiKey", "in", "header", "name", "X-Skep-CSRF",
                "description", "the csrf value the session's login answered"));
        schemes.put("clusterToken", Map.of("type", "http", "scheme", "bearer",
                "description", "the cluster token agents read from the state (not a user token)"));
        schemes.put("heartbeatSecret", Map.of("type", "http", "scheme", "bearer",
                "description", "the instance's own SKEP_HEARTBEAT_SECRET"));
        return schemes;
    }

    private static Map<String, Object> pathItem(String path) {
        Map<String, Object> item = new LinkedHashMap<>();
        List<Object> parameters = new ArrayList<>();
        for (String name : Operation.pathParameters(path)) {
            String description = PATH_PARAMETERS.get(name);
            if (description == null) {
                throw new IllegalStateException("describe the path parameter {" + name + "} of " + path);
            }
            parameters.add(Map.of("name", name, "in", "path", "required", true, "description", description,
                    "schema", Map.of("type", "string")));
        }
        if (!parameters.isEmpty()) {
            item.put("parameters", parameters);
        }
        return item;
    }

    private static Map<String, Object> operation(Operation op, RecordSchemas schemas) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("operationId", op.method().toLowerCase(Locale.ROOT)
                + op.path().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_+$", ""));
        o.put("summary", op.summary());
        o.put("x-skep-access", op.access().label);
        switch (op.access()) {
            case PUBLIC -> o.put("security", List.of());
            case CLUSTER -> o.put("security", List.of(Map.of("clusterToken", List.of())));
            case HEARTBEAT -> o.put("security", List.of(Map.of("heartbeatSecret", List.of())));
            default -> { } // the document's: a user token or a dashboard session
        }
        if (!op.query().isEmpty()) {
            List<Object> parameters = new ArrayList<>();
            op.query().forEach((name, description) -> parameters.add(Map.of("name", name, "in", "query",
                    "description", description, "schema", Map.of("type", "string"))));
            o.put("parameters", parameters);
        }
        if (op.body() != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("required", !op.bodyOptional());
            body.put("content", op.body() == Operation.BINARY
                    ? Map.of("application/gzip", Map.of("schema", Map.of("type", "string",
                            "contentMediaType", "application/gzip", "description", "a tar.gz of the app's directory")))
                    : Map.of("application/json", Map.of("schema", schemas.of(op.body()))));
            o.put("requestBody", body);
        }
        o.put("responses", responses(op, schemas));
        return o;
    }

    private static Map<String, Object> responses(Operation op, RecordSchemas schemas) {
        Map<String, Object> responses = new TreeMap<>();
        Map<String, Object> content = new LinkedHashMap<>();
        if (op.answer() != null) {
            content.put(mediaType(op.answer()), Map.of("schema", schema(op.answer(), schemas)));
        }
        if (op.stream() != null && op.status() == 200) {
            content.put(op.stream(), streamed(op, schemas));
        }
        responses.put(Integer.toString(op.status()), answer(op.status() == 204 ? "No content" : "OK", content));
        if (op.stream() != null && op.status() != 200) {
            responses.put("200", answer("Streamed progress (Accept: " + op.stream() + ")",
                    Map.of(op.stream(), streamed(op, schemas))));
        }
        errors(op).forEach((status, why) -> {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("description", why.isEmpty() ? REASONS.getOrDefault(status, "Error") : why);
            if (status == 429) {
                error.put("headers", Map.of("Retry-After", Map.of("description", "seconds to wait",
                        "schema", Map.of("type", "integer"))));
            }
            error.put("content", Map.of("application/json",
                    Map.of("schema", Map.of("$ref", "#/components/schemas/ApiError"))));
            responses.put(Integer.toString(status), error);
        });
        return responses;
    }

    private static Map<String, Object> answer(String description, Map<String, Object> content) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("description", description);
        if (!content.isEmpty()) {
            answer.put("content", content);
        }
        return answer;
    }

    private static Map<String, Object> streamed(Operation op, RecordSchemas schemas) {
        String how = op.stream().equals("text/event-stream")
                ? "server-sent events: `event: TYPE`, `data:` one of these as JSON; comments keep the stream alive"
                : "one of these as JSON per line";
        Map<String, Object> schema = new LinkedHashMap<>(schemas.of(op.streamItem()));
        schema.put("description", how);
        return Map.of("schema", schema);
    }

    private static String mediaType(Type answer) {
        return answer == Operation.TEXT ? "text/plain" : answer == Operation.BINARY ? "application/gzip"
                : "application/json";
    }

    private static Map<String, Object> schema(Type answer, RecordSchemas schemas) {
        if (answer == Operation.TEXT) {
            return Map.of("type", "string");
        }
        if (answer == Operation.BINARY) {
            return Map.of("type", "string", "contentMediaType", "application/gzip");
        }
        return schemas.of(answer);
    }

    /**
     * The errors the route gives: those of its access (the before-handler, the owner check), of a JSON body
     * (Bodies), then its own; its own reasons come after the usual ones.
     */
    static Map<Integer, String> errors(Operation op) {
        Map<Integer, String> errors = new TreeMap<>(usualErrors(op));
        op.errors().forEach((status, why) -> errors.merge(status, why,
                (usual, own) -> own.isEmpty() ? usual : usual + "; " + own));
        return errors;
    }

    static Map<Integer, String> usualErrors(Operation op) {
        Map<Integer, String> errors = new TreeMap<>();
        Access access = op.access();
        if (access == Access.USER || access == Access.OWNER || access == Access.ADMIN) {
            errors.put(401, "no token, or a bad, expired or revoked one");
            errors.put(403, "a dashboard session without its X-Skep-CSRF header");
            errors.put(429, "too many bad tokens from this address or for this user: wait Retry-After seconds");
        }
        if (access == Access.OWNER) {
            errors.put(400, "an invalid user or app name in the path");
            errors.put(403, "the app is another user's (or a session without its X-Skep-CSRF header)");
            errors.put(404, "no such app");
        }
        if (access == Access.ADMIN) {
            errors.put(403, "admin only (or a session without its X-Skep-CSRF header)");
        }
        if (op.body() != null && op.body() != Operation.BINARY) {
            errors.merge(400, "an empty body, malformed JSON, an unknown field, or not application/json",
                    (usual, body) -> usual + "; " + body);
            errors.put(413, "a JSON body larger than 64 KiB");
        }
        return errors;
    }
}
