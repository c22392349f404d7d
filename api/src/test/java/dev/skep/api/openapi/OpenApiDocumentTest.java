package dev.skep.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.view.VolumesView;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The document's own rules; OpenApiConformanceTest (server) holds it to a running API. */
class OpenApiDocumentTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> op(Map<String, Object> doc, String path, String method) {
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("paths")).get(path))
                .get(method);
    }

    @Test
    void eachRouteIsOnceInTheTableWithAUniqueOperationId() {
        Set<String> keys = new HashSet<>();
        for (Operation op : V1Routes.all()) {
            assertThat(keys.add(op.key())).as(op.key() + " twice").isTrue();
        }
        Map<String, Object> doc = OpenApiDocument.build("test");
        Set<Object> ids = new HashSet<>();
        for (Operation op : V1Routes.all()) {
            Object id = op(doc, op.path(), op.method().toLowerCase()).get("operationId");
            assertThat(ids.add(id)).as(id + " twice").isTrue();
        }
    }

    @Test
    void anAppRouteHasTheOwnerChecksErrorsAndAJsonBodyItsOwn() {
        Map<String, Object> patch = op(OpenApiDocument.build("test"), "/v1/apps/{user}/{app}", "patch");
        @SuppressWarnings("unchecked")
        Map<String, Object> responses = (Map<String, Object>) patch.get("responses");
        assertThat(responses).containsKeys("200", "400", "401", "403", "404", "413", "422", "429");
        assertThat(patch.get("x-skep-access")).isEqualTo("owner or admin");
        assertThat(patch.toString()).contains("#/components/schemas/AppRoutes.AppPatch");
    }

    @Test
    void adminAndPublicRoutesSayWhoMayCallThem() {
        Map<String, Object> doc = OpenApiDocument.build("test");
        assertThat(op(doc, "/v1/users", "get").get("x-skep-access")).isEqualTo("admin");
        assertThat(op(doc, "/v1/openapi.json", "get").get("security")).isEqualTo(List.of());
        assertThat(op(doc, "/v1/openapi.json", "get").get("responses").toString()).doesNotContain("401");
    }

    @Test
    void schemasComeFromTheRecordsPrimitivesRequired() {
        RecordSchemas schemas = new RecordSchemas();
        schemas.of(VolumesView.class);
        assertThat(schemas.components()).containsKeys("VolumesView", "VolumesView.Entry", "VolumesView.Disk");
        @SuppressWarnings("unchecked")
        Map<String, Object> disk = (Map<String, Object>) schemas.components().get("VolumesView.Disk");
        assertThat(disk.get("required")).isEqualTo(List.of("used", "quota"));
        assertThat(disk.get("properties")).isEqualTo(Map.of("used", Map.of("type", "integer", "format", "int64"),
                "quota", Map.of("type", "integer", "format", "int64"), "mode", Map.of("type", "string")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRouteThisApiDoesNotServeIsLeftOut() {
        // a cluster controller runs no monitor: no events, alerts, health, metrics or heartbeats there
        Map<String, Object> doc = OpenApiDocument.build("test", route -> !route.equals("GET /v1/events"));
        assertThat((Map<String, Object>) doc.get("paths")).doesNotContainKey("/v1/events").containsKey("/v1/apps");
        assertThat((Map<String, Object>) OpenApiDocument.build("test").get("paths")).containsKey("/v1/events");
    }
}
