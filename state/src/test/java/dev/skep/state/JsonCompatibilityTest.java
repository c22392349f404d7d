package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.Release;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** State written before process types must read as it meant: N instances are N web, a release runs web only. */
class JsonCompatibilityTest {

    @Test
    void anOldSpecWithInstancesReadsAsThatManyWeb() {
        String old = "{\"id\":{\"user\":\"alice\",\"name\":\"shop\"},\"release\":2,\"candidate\":0,\"instances\":3,"
                + "\"running\":true,\"env\":{},\"domains\":[],\"generation\":0,\"updated\":\"2026-11-26T00:00:00Z\",\"warm\":0}";
        AppSpec spec = Json.read(old.getBytes(StandardCharsets.UTF_8), AppSpec.class);
        assertThat(spec.count("web")).isEqualTo(3);
        assertThat(spec.count("worker")).isEqualTo(1);
        assertThat(spec.formation()).isEmpty();
    }

    @Test
    void anOldReleaseRunsWebOnlyAndFormationsRoundTrip() {
        String old = "{\"app\":{\"user\":\"alice\",\"name\":\"shop\"},\"number\":2,\"sha256\":\"s\",\"slug\":\"x\","
                + "\"command\":[\"node\",\"server.js\"],\"env\":{},\"created\":\"2026-11-26T00:00:00Z\","
                + "\"createdBy\":\"alice\",\"note\":\"deploy\"}";
        Release release = Json.read(old.getBytes(StandardCharsets.UTF_8), Release.class);
        assertThat(release.types()).containsExactly("web");
        assertThat(release.releasePhase()).isEmpty();

        AppId shop = AppId.parse("alice/shop");
        Instant now = Instant.parse("2026-11-26T00:00:00Z");
        AppSpec spec = AppSpec.create(shop, now).withCounts(Map.of("web", 2, "worker", 0), now);
        assertThat(Json.read(Json.write(spec), AppSpec.class)).isEqualTo(spec);
        Release typed = new Release(shop, 3, "s", "x", List.of(), Map.of(), now, "alice", "deploy",
                Map.of("worker", List.of("node", "worker.js")), List.of("node", "migrate.js"));
        assertThat(Json.read(Json.write(typed), Release.class)).isEqualTo(typed);
        Assignment a = new Assignment("alice.shop.3.worker.1.a1b2c3", "a1", typed, 0, now);
        Assignment back = Json.read(Json.write(a), Assignment.class);
        assertThat(back).isEqualTo(a);
        assertThat(back.type()).isEqualTo("worker");
    }
}
