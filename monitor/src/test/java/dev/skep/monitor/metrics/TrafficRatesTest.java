package dev.skep.monitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.TrafficCounts;
import dev.skep.monitor.rules.Alert;
import dev.skep.monitor.rules.AlertEngine;
import dev.skep.monitor.rules.RuleSource;
import dev.skep.monitor.rules.ThresholdRule;
import dev.skep.monitor.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The router's counters become rates, and per-instance rule metrics that find one sick instance. */
class TrafficRatesTest {

    static final AppId SHOP = new AppId("alice", "shop");
    static final String SICK = "alice.shop.1.aaaaaa";
    static final String WELL = "alice.shop.1.bbbbbb";

    /** Counters as the router keeps them: totals since start, moved on by the test between rounds. */
    static final class Counters implements TrafficCounts {
        final Map<String, InstanceTraffic> instances = new HashMap<>();
        AppTraffic app = new AppTraffic(0, 0, 0, 0, 0, 1, 2);

        void answered(String instance, long requests, long errors) {
            InstanceTraffic t = instances.getOrDefault(instance, new InstanceTraffic(SHOP, 0, 0));
            instances.put(instance, new InstanceTraffic(SHOP, t.requests() + requests, t.status5xx() + errors));
            app = new AppTraffic(app.requests() + requests, app.status2xx() + requests - errors, 0, 0,
                    app.status5xx() + errors, 1, 2);
        }

        @Override
        public Map<AppId, AppTraffic> snapshot() {
            return Map.of(SHOP, app);
        }

        @Override
        public Map<String, InstanceTraffic> instances() {
            return Map.copyOf(instances);
        }
    }

    @Test
    void aRuleOnTheInstance5xxRateFiresForTheSickInstanceOnlyAndNotAppWide() {
        MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
        List<Alert> alerts = new ArrayList<>();
        ThresholdRule rule = new ThresholdRule("sick-instance", TrafficRates.INSTANCE_HTTP_5XX_RATE,
                ThresholdRule.Op.GT, 20, Duration.ZERO, List.of());
        AlertEngine engine = new AlertEngine(RuleSource.withDefaults(app -> List.of(rule)), Duration.ofMinutes(30),
                clock, alerts::add, event -> { });
        Counters router = new Counters();
        long[] nanos = {0};
        try (TrafficRates rates = new TrafficRates(router, engine, new SimpleMeterRegistry(), Duration.ofHours(1),
                () -> nanos[0])) {
            router.answered(SICK, 10, 0);
            router.answered(WELL, 10, 0);
            rates.round(); // the first round only remembers the counters

            router.answered(SICK, 100, 60); // 60 % of its answers fail: 30 % app-wide
            router.answered(WELL, 100, 0);
            nanos[0] += Duration.ofSeconds(5).toNanos();
            rates.round();

            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(Alert.Status.FIRING);
                assertThat(a.instance()).isEqualTo(SICK);
            });
            assertThat(rates.ofInstance(SICK).requestsPerSecond()).isEqualTo(20.0); // 100 answers in 5 s
            assertThat(rates.of(SHOP).requestsPerSecond()).isEqualTo(40.0);

            router.answered(SICK, 100, 0);
            router.answered(WELL, 100, 0);
            nanos[0] += Duration.ofSeconds(5).toNanos();
            rates.round();
            assertThat(alerts).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        }
    }
}
