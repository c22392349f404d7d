package dev.skep.api.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.skep.api.ApiJson;
import dev.skep.api.Routes;
import io.javalin.config.RoutesConfig;
import java.util.HashSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * GET /v1/openapi.json: the API's OpenAPI document. Public, as /version is: it describes routes, not data, and
 * tools (generators, Swagger UI) fetch it without credentials.
 */
public final class OpenApiRoutes implements Routes {

    public static final String PATH = "/v1/openapi.json";

    private final String version;
    private final Supplier<List<String>> served;
    private volatile byte[] document;

    /** @param served the routes this API registered ("METHOD /path"); asked once, at the first request */
    public OpenApiRoutes(String version, Supplier<List<String>> served) {
        this.version = version;
        this.served = served;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PATH, ctx -> ctx.contentType("application/json").result(document()));
    }

    /** Built once, when every route is registered; keys sorted: the same bytes every start. */
    private byte[] document() throws JsonProcessingException {
        byte[] bytes = document;
        if (bytes == null) {
            HashSet<String> registered = new HashSet<>(served.get());
            bytes = ApiJson.MAPPER.writerWithDefaultPrettyPrinter()
                    .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsBytes(OpenApiDocument.build(version, registered::contains));
            document = bytes;
        }
        return bytes;
    }
}
