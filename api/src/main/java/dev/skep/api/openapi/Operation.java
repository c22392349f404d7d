package dev.skep.api.openapi;

import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One documented route: method, path (Javalin's form, {@code {user}}), who may call it, what it takes and answers,
 * and the errors it really gives (status to why; the status alone takes the usual reason).
 *
 * @param body   the JSON body's type, or null; {@link #BINARY} for a tar.gz upload
 * @param answer the success answer's type (null: none, {@link #TEXT} text, {@link #BINARY} a tar.gz)
 * @param stream another media type the route can answer with instead (NDJSON, SSE), or null
 */
record Operation(String method, String path, String summary, Access access, Type body, boolean bodyOptional,
                 int status, Type answer, String stream, Type streamItem, Map<String, String> query,
                 Map<Integer, String> errors) {

    /** Stand-ins for answers that are not JSON. */
    static final Type TEXT = new Type() {
        @Override
        public String getTypeName() {
            return "text/plain";
        }
    };
    static final Type BINARY = new Type() {
        @Override
        public String getTypeName() {
            return "application/gzip";
        }
    };

    /** Who may call a route: what the before-handler and the route itself check. */
    enum Access {
        /** no credentials */
        PUBLIC("public"),
        /** any user's token (or dashboard session); what it answers depends on the user */
        USER("user"),
        /** a token of the app's owner (the {user} of the path) or of an admin */
        OWNER("owner or admin"),
        /** an admin's token */
        ADMIN("admin"),
        /** the cluster token agents read from the state, not a user token */
        CLUSTER("cluster"),
        /** the instance's own SKEP_HEARTBEAT_SECRET as a bearer token */
        HEARTBEAT("heartbeat secret");

        final String label;

        Access(String label) {
            this.label = label;
        }
    }

    static Operation of(String method, String path, Access access, String summary) {
        return new Operation(method, path, summary, access, null, false, 200, null, null, null, Map.of(), Map.of());
    }

    Operation body(Type type) {
        return new Operation(method, path, summary, access, type, false, status, answer, stream, streamItem, query, errors);
    }

    /** A JSON body that may be left out (the route then takes its defaults). */
    Operation optionalBody(Type type) {
        return new Operation(method, path, summary, access, type, true, status, answer, stream, streamItem, query, errors);
    }

    Operation answers(int code, Type type) {
        return new Operation(method, path, summary, access, body, bodyOptional, code, type, stream, streamItem, query,
                errors);
    }

    /** Another media type the route streams when asked for it (Accept, or a query parameter). */
    Operation streams(String mediaType, Type item) {
        return new Operation(method, path, summary, access, body, bodyOptional, status, answer, mediaType, item, query,
                errors);
    }

    Operation query(String name, String description) {
        Map<String, String> more = new LinkedHashMap<>(query);
        more.put(name, description);
        return new Operation(method, path, summary, access, body, bodyOptional, status, answer, stream, streamItem,
                Collections.unmodifiableMap(more), errors);
    }

    /** Errors besides those every route of its access has (see {@link OpenApiDocument#usualErrors}). */
    Operation errors(Object... statusThenWhy) {
        Map<Integer, String> more = new TreeMap<>(errors);
        for (int i = 0; i < statusThenWhy.length; i++) {
            int code = (Integer) statusThenWhy[i];
            String why = i + 1 < statusThenWhy.length && statusThenWhy[i + 1] instanceof String s ? s : null;
            if (why != null) {
                i++;
            }
            more.put(code, why == null ? "" : why);
        }
        return new Operation(method, path, summary, access, body, bodyOptional, status, answer, stream, streamItem,
                query, Map.copyOf(more));
    }

    /** "GET /v1/apps/{user}/{app}": how a route is named in the test and in errors. */
    String key() {
        return method + " " + path;
    }

    static List<String> pathParameters(String path) {
        return Pattern.compile("\\{([^}]+)}").matcher(path).results().map(m -> m.group(1)).toList();
    }
}
