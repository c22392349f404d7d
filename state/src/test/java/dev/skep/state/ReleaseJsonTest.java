package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.Release;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Releases keep the Node version they name through the state, and older ones (without it) still read. */
class ReleaseJsonTest {

    private static final AppId APP = new AppId("alice", "shop");

    @Test
    void theNodeVersionSurvivesARoundTrip() {
        Release release = new Release(APP, 3, "sha", "alice.shop.abc", List.of("node", "server.js"), Map.of("K", "v"),
                Instant.parse("2026-12-05T12:00:00Z"), "alice", "deploy", "22.23.5");

        Release read = Json.read(Json.write(release), Release.class);

        assertThat(read).isEqualTo(release);
        assertThat(read.withEnv(4, Map.of(), Instant.now(), "alice", "env").node()).isEqualTo("22.23.5");
    }

    @Test
    void aReleaseWrittenBeforeSkepRecordedTheNodeVersionReadsWithNone() {
        String old = """
                {"app":{"user":"alice","name":"shop"},"number":2,"sha256":"sha","slug":"alice.shop.abc",
                 "command":["node","server.js"],"env":{},"created":"2026-12-01T00:00:00Z","createdBy":"alice","note":"deploy"}
                """;

        Release read = Json.read(old.getBytes(StandardCharsets.UTF_8), Release.class);

        assertThat(read.number()).isEqualTo(2);
        assertThat(read.node()).isNull();
    }
}
