package dev.skep.api.openapi;

import dev.skep.api.ApiJson;
import io.javalin.config.RoutesConfig;

/**
 * GET /v1/openapi.json: the API's OpenAPI document. Public, as /version is: it describes routes, not data, and
 * tools (generators, Swagger UI) fetch it without credentials.
 */
public final class OpenApiRoutes implements dev.skep.api.ApiServer.Routes {

    public static final String PATH = "/v1/openapi.json";

    private final byte[] document;

    public OpenApiRoutes(String version) {
        try {
            // built once (the routes do not change while the API runs), keys sorted: the same bytes every start
            this.document = ApiJson.MAPPER.writerWithDefaultPrettyPrinter()
                    .with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsBytes(OpenApiDocument.build(version));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the OpenAPI document does not serialize", e);
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PATH, ctx -> ctx.contentType("application/json").result(document));
    }
}
