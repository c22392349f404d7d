package dev.skep.monitor.metrics;

import dev.skep.model.AppId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsHistoryTest {

    @Test
    void an_hour_at_five_seconds_keeps_the_last_720_samples() {
        MetricsHistory history = new MetricsHistory(Duration.ofHours(1), Duration.ofSeconds(5));
        AppId app = new AppId("alice", "shop");
        for (int i = 0; i < 1_000; i++) {
            history.sample("i", new InstanceSample(Instant.EPOCH.plusSeconds(5L * i), app, "i", 1, 1, 0, i, 0, 0, 0));
        }
        assertThat(history.capacity()).isEqualTo(720);
        assertThat(history.history("i")).hasSize(720).first().extracting(InstanceSample::rssBytes).isEqualTo(280L);
        assertThat(history.history("unknown")).isEmpty();
        history.gone(app, "i");
        assertThat(history.history("i")).isEmpty();
    }
}
