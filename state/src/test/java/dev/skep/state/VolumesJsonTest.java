package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.Release;
import dev.skep.model.Volume;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** State written before volumes existed still reads (no volumes), and volumes survive a round trip. */
class VolumesJsonTest {

    static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @Test
    void anAppSpecWithoutVolumesReadsAsHavingNone() {
        String old = "{\"id\":{\"user\":\"alice\",\"name\":\"shop\"},\"release\":3,\"candidate\":0,\"instances\":2,"
                + "\"running\":true,\"env\":{},\"domains\":[],\"generation\":1,\"updated\":\"2026-12-05T12:00:00Z\",\"warm\":0}";
        AppSpec spec = Json.read(old.getBytes(StandardCharsets.UTF_8), AppSpec.class);
        assertThat(spec.volumes()).isEmpty();
        assertThat(spec.volumeAgent()).isNull();
        assertThat(spec.release()).isEqualTo(3);
    }

    @Test
    void volumesAndAssignmentsRoundTrip() {
        AppSpec spec = AppSpec.create(AppId.parse("alice/shop"), NOW)
                .withVolumes(List.of(new Volume("data", "vm", NOW), new Volume("var/uploads", "vm", NOW)), NOW);
        assertThat(Json.read(Json.write(spec), AppSpec.class)).isEqualTo(spec);

        Release release = new Release(AppId.parse("alice/shop"), 1, "sha", "alice.shop.sha", List.of("node", "s.js"),
                Map.of(), NOW, "alice", "");
        Assignment mounting = new Assignment("alice.shop.1.aaaaaa", "vm", release, 0, NOW, List.of("data"));
        assertThat(Json.read(Json.write(mounting), Assignment.class)).isEqualTo(mounting);
        String withoutVolumes = new String(Json.write(new Assignment("alice.shop.1.aaaaaa", "vm", release, 0, NOW)),
                StandardCharsets.UTF_8).replace(",\"volumes\":[]", "");
        assertThat(withoutVolumes).doesNotContain("volumes");
        assertThat(Json.read(withoutVolumes.getBytes(StandardCharsets.UTF_8), Assignment.class).volumes()).isEmpty();
    }
}
