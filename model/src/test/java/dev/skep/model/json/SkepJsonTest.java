package dev.skep.model.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SkepJsonTest {

    record Sample(String name, String absent, Instant at, Duration every, Map<String, String> env) {
    }

    @Test
    void writesIsoInstantsSecondsDurationsAndLeavesOutNullFieldsButNotNullMapValues() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HIDDEN", null);
        String json = SkepJson.MAPPER.writeValueAsString(new Sample("web", null,
                Instant.parse("2026-01-02T03:04:05Z"), Duration.ofSeconds(5), env));
        assertThat(json).isEqualTo("{\"name\":\"web\",\"at\":\"2026-01-02T03:04:05Z\",\"every\":5.000000000,"
                + "\"env\":{\"HIDDEN\":null}}");
    }

    @Test
    void readsUnknownFieldsAndIsoDurationsWithoutComplaint() throws Exception {
        Sample read = SkepJson.MAPPER.readValue("{\"name\":\"web\",\"every\":\"PT2M\",\"added\":\"later\"}",
                Sample.class);
        assertThat(read.name()).isEqualTo("web");
        assertThat(read.every()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void listOfReadsAListOfRecords() throws Exception {
        List<Sample> read = SkepJson.MAPPER.readValue("[{\"name\":\"a\"},{\"name\":\"b\"}]",
                SkepJson.MAPPER.constructType(new ListOf(Sample.class)));
        assertThat(read).extracting(Sample::name).containsExactly("a", "b");
    }
}
