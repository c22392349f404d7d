package dev.skep.monitor.metrics;

import dev.skep.model.AppId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusExportTest {

    static final AppId SHOP = new AppId("alice", "shop");

    @Test
    void the_scrape_is_valid_exposition_text_with_a_series_per_instance() {
        try (PrometheusExport export = new PrometheusExport()) {
            export.sample(new InstanceSample(Instant.now(), SHOP, "alice.shop.3.abc123", 42, 2, 12.5,
                    250_000_000, 23, 4, 3600));
            export.sample(new InstanceSample(Instant.now(), SHOP, "alice.shop.3.def456", 43, 1, 0, 60_000_000, 11, 0,
                    10));
            ExpositionChecker check = ExpositionChecker.check(export.scrape());
            assertThat(check.problems).isEmpty();

            Map<String, String> labels = Map.of("app", "alice/shop", "instance", "alice.shop.3.abc123");
            assertThat(check.samples).contains(
                    new ExpositionChecker.Sample("skep_instance_cpu_percent", labels, 12.5),
                    new ExpositionChecker.Sample("skep_instance_resident_memory_bytes", labels, 2.5e8),
                    new ExpositionChecker.Sample("skep_instance_open_files", labels, 23),
                    new ExpositionChecker.Sample("skep_instance_processes", labels, 2),
                    new ExpositionChecker.Sample("skep_instance_restarts", labels, 4),
                    new ExpositionChecker.Sample("skep_instance_uptime_seconds", labels, 3600));
            assertThat(check.samples).extracting(ExpositionChecker.Sample::name)
                    .contains("jvm_memory_used_bytes", "process_cpu_usage", "process_uptime_seconds");
        }
    }

    @Test
    void a_gone_instance_loses_its_series_and_new_samples_replace_old_values() {
        try (PrometheusExport export = new PrometheusExport()) {
            export.sample(new InstanceSample(Instant.now(), SHOP, "alice.shop.3.abc123", 42, 1, 1, 1, 1, 0, 1));
            export.sample(new InstanceSample(Instant.now(), SHOP, "alice.shop.3.abc123", 42, 1, 1, 7, 1, 0, 1));
            assertThat(export.scrape()).contains(
                    "skep_instance_resident_memory_bytes{app=\"alice/shop\",instance=\"alice.shop.3.abc123\"} 7.0");
            export.gone(SHOP, "alice.shop.3.abc123");
            assertThat(export.scrape()).doesNotContain("alice.shop.3.abc123");
            assertThat(ExpositionChecker.check(export.scrape()).problems).isEmpty();
        }
    }

    @Test
    void each_cgroup_gauge_is_registered_once_however_many_samples_bring_it() {
        ch.qos.logback.classic.Logger micrometer = (ch.qos.logback.classic.Logger)
                LoggerFactory.getLogger("io.micrometer.core.instrument.MeterRegistry");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> warnings =
                new ch.qos.logback.core.read.ListAppender<>();
        warnings.start();
        micrometer.addAppender(warnings);
        try (PrometheusExport export = new PrometheusExport()) {
            for (int i = 0; i < 3; i++) {
                export.sample(new InstanceSample(Instant.now(), SHOP, "alice.shop.3.abc123", 42, 1, 1, 1, 1, 0, i,
                        30L << 20, 512L << 20));
            }
            assertThat(export.scrape()).contains("skep_instance_cgroup_memory_usage_bytes");
        } finally {
            micrometer.detachAppender(warnings);
        }
        assertThat(warnings.list).as("Micrometer's 'already registered' warning").isEmpty();
    }

    @Test
    void cgroup_gauges_appear_when_a_later_sample_first_has_the_cgroup() {
        try (PrometheusExport export = new PrometheusExport()) {
            // sampled before its cgroup showed: no figures yet
            export.sample(new InstanceSample(Instant.now(), SHOP, "alice.shop.3.abc123", 42, 1, 1, 1, 1, 0, 1));
            assertThat(export.scrape()).doesNotContain("skep_instance_cgroup_memory");
            export.sample(new InstanceSample(Instant.now(), SHOP, "alice.shop.3.abc123", 42, 1, 1, 1, 1, 0, 2,
                    30L << 20, 512L << 20));
            export.sample(new InstanceSample(Instant.now(), SHOP, "alice.shop.3.abc123", 42, 1, 1, 1, 1, 0, 3,
                    31L << 20, 512L << 20));
            ExpositionChecker check = ExpositionChecker.check(export.scrape());
            assertThat(check.problems).isEmpty();
            Map<String, String> labels = Map.of("app", "alice/shop", "instance", "alice.shop.3.abc123");
            assertThat(check.samples).contains(
                    new ExpositionChecker.Sample("skep_instance_cgroup_memory_usage_bytes", labels, 31L << 20),
                    new ExpositionChecker.Sample("skep_instance_cgroup_memory_limit_bytes", labels, 512L << 20));
            export.gone(SHOP, "alice.shop.3.abc123");
            assertThat(export.scrape()).doesNotContain("alice.shop.3.abc123");
        }
    }

    @Test
    void the_checker_catches_broken_text() {
        assertThat(ExpositionChecker.check("""
                # TYPE a gauge
                a{x="1} 2
                b 1
                # TYPE b gauge
                9bad 1
                c{__x="1"} one
                """).problems).containsExactly(
                "2: unterminated label value in {x=\"1}",
                "3: sample of b before (or without) its TYPE",
                "4: TYPE for b after its samples",
                "5: bad metric name '9bad'",
                "5: sample of 9bad before (or without) its TYPE",
                "6: bad label name '__x'",
                "6: bad value 'one'");
    }
}
