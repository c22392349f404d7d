package dev.skep.monitor;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.monitor.react.LogReactor;
import dev.skep.monitor.react.RetryPolicy;
import dev.skep.monitor.rules.MonitorEvents;
import dev.skep.monitor.rules.ThresholdRule;
import dev.skep.monitor.support.Hmac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Samples of a real process flow through the monitor to a threshold alert, history and /metrics. */
class MonitorMetricsTest {

    @TempDir
    Path dir;

    @Test
    void a_process_over_its_memory_threshold_raises_an_alert_that_resolves_when_it_stops() throws Exception {
        Process node = new ProcessBuilder("node", "-e", "setInterval(() => {}, 1000); console.log('up')").start();
        try {
            new BufferedReader(new InputStreamReader(node.getInputStream())).readLine();
            AppId shop = new AppId("alice", "shop");
            String id = "alice.shop.1.abcdef";
            AtomicReference<List<InstanceStatus>> listed = new AtomicReference<>(List.of(new InstanceStatus(id, shop, 1,
                    "a1", "h", 5000, node.pid(), InstanceState.READY, Instant.now(), 0, null, null)));
            MonitorConfig config = MonitorConfig.defaults(dir, Hmac.randomKey()).withTiming(Duration.ofMillis(200),
                    Duration.ofMillis(100), Duration.ofHours(1), RetryPolicy.defaults());
            try (Monitor monitor = Monitor.start(config, listed::get,
                    app -> List.of(new ThresholdRule("rss", "rss_mb", ThresholdRule.Op.GT, 1, null, List.of("log"))),
                    List.of(new LogReactor()), Clock.systemUTC())) {
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        !monitor.events().query(shop, MonitorEvents.ALERT_FIRED, null, 5).isEmpty());
                assertThat(monitor.events().query(shop, MonitorEvents.ALERT_FIRED, null, 5).get(0).message())
                        .startsWith("rss_mb > 1 on " + id);
                assertThat(monitor.history().history(id)).isNotEmpty();
                assertThat(monitor.prometheus().scrape()).contains("instance=\"" + id + "\"");

                listed.set(List.of()); // stopped: its series and alerts go
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        !monitor.events().query(shop, MonitorEvents.ALERT_RESOLVED, null, 5).isEmpty());
                assertThat(monitor.events().query(shop, MonitorEvents.ALERT_RESOLVED, null, 5))
                        .extracting(Event::message).singleElement().asString().contains("instance stopped");
                assertThat(monitor.prometheus().scrape()).doesNotContain(id);
            }
        } finally {
            node.destroyForcibly();
        }
    }
}
