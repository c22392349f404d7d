package dev.skep.monitor.rules;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.EventTypes;
import dev.skep.monitor.testing.MutableClock;
import java.time.Instant;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertEngineTest {

    static final AppId SHOP = new AppId("alice", "shop");
    static final String I1 = "alice.shop.3.abc123";
    static final String I2 = "alice.shop.3.def456";

    final MutableClock clock = MutableClock.at("2025-01-01T10:00:00Z");
    final List<Alert> alerts = new ArrayList<>();
    final List<Event> emitted = new ArrayList<>();

    AlertEngine engine(Rule... custom) {
        return new AlertEngine(RuleSource.withDefaults(app -> List.of(custom)), Duration.ofMinutes(30), clock,
                alerts::add, emitted::add);
    }

    Event event(String type, String instance) {
        return new Event(clock.instant(), type, SHOP, 3, instance, "host-a", "exit code 1", Map.of());
    }

    /** An engine whose {@code instances} beat once, then were silent for 3 minutes: their heartbeat alerts fire. */
    AlertEngine silentFor3Minutes(String... instances) {
        AlertEngine engine = engine();
        for (String instance : instances) {
            engine.onHeartbeat(SHOP, instance);
        }
        pass(engine, Duration.ofMinutes(3), Duration.ofSeconds(5));
        return engine;
    }

    void pass(AlertEngine engine, Duration total, Duration step) {
        for (Duration t = Duration.ZERO; t.compareTo(total) < 0; t = t.plus(step)) {
            clock.advance(step);
            engine.tick();
        }
    }

    @Test
    void an_instance_that_stops_beating_fires_once_then_resolves_when_it_beats_again() {
        AlertEngine engine = engine();
        engine.onHeartbeat(SHOP, I1);
        pass(engine, Duration.ofSeconds(110), Duration.ofSeconds(5));
        assertThat(alerts).isEmpty();

        pass(engine, Duration.ofSeconds(60), Duration.ofSeconds(5));
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(Alert.Status.FIRING);
            assertThat(a.ruleId()).isEqualTo("heartbeat");
            assertThat(a.instance()).isEqualTo(I1);
            assertThat(a.summary()).startsWith("no heartbeat from " + I1);
        });

        engine.onHeartbeat(SHOP, I1);
        assertThat(alerts).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(emitted).extracting(Event::type).containsExactly("alert.fired", "alert.resolved");
    }

    @Test
    void a_shorter_expiry_set_while_an_instance_is_already_silent_still_fires() {
        List<Rule> custom = new ArrayList<>();
        AlertEngine engine = new AlertEngine(RuleSource.withDefaults(app -> List.copyOf(custom)),
                Duration.ofMinutes(30), clock, alerts::add, emitted::add);
        engine.onHeartbeat(SHOP, I1);
        pass(engine, Duration.ofSeconds(10), Duration.ofSeconds(1));
        custom.add(new ExpireRule("heartbeat", ExpireRule.Signal.HEARTBEAT, Duration.ofSeconds(3), null, null));
        engine.tick();
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.summary()).contains("for 10s"));
    }

    @Test
    void the_engine_tells_each_expirys_deadline_and_which_one_is_next() {
        List<Instant> told = new ArrayList<>();
        AlertEngine engine = new AlertEngine(RuleSource.withDefaults(app -> List.of(
                new ExpireRule("heartbeat", ExpireRule.Signal.HEARTBEAT, Duration.ofSeconds(10), null, null))),
                Duration.ofMinutes(30), clock, alerts::add, emitted::add, told::add);
        Instant t0 = clock.instant();
        engine.onHeartbeat(SHOP, I1);
        clock.advance(Duration.ofSeconds(3));
        engine.onHeartbeat(SHOP, I2);
        assertThat(told).containsExactly(t0.plusSeconds(10), t0.plusSeconds(13));
        assertThat(engine.nextExpiry()).contains(t0.plusSeconds(10));

        clock.advance(Duration.ofSeconds(7)); // a tick right at I1's deadline fires it, not a moment later
        engine.tick();
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.instance()).isEqualTo(I1));
        assertThat(engine.nextExpiry()).as("firing ones are not next").contains(t0.plusSeconds(13));
    }

    @Test
    void an_app_that_never_beats_is_never_alerted_for_heartbeats() {
        AlertEngine engine = engine();
        engine.onEvent(event(EventTypes.INSTANCE_STARTED, I1));
        pass(engine, Duration.ofHours(1), Duration.ofSeconds(30));
        assertThat(alerts).isEmpty();
    }

    @Test
    void a_holding_alert_repeats_at_most_every_repeat_interval() {
        AlertEngine engine = engine();
        engine.onHeartbeat(SHOP, I1);
        pass(engine, Duration.ofMinutes(65), Duration.ofSeconds(5));
        assertThat(alerts).extracting(Alert::status)
                .containsExactly(Alert.Status.FIRING, Alert.Status.REPEAT, Alert.Status.REPEAT);
    }

    @Test
    void a_stopped_instance_resolves_its_alerts_and_is_forgotten() {
        AlertEngine engine = silentFor3Minutes(I1);
        engine.onEvent(event(EventTypes.INSTANCE_STOPPED, I1));
        pass(engine, Duration.ofMinutes(60), Duration.ofSeconds(30));
        assertThat(alerts).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(engine.active()).isEmpty();
    }

    @Test
    void a_stopped_instance_takes_only_its_own_alerts_with_it() {
        AlertEngine engine = silentFor3Minutes(I1, I2);
        assertThat(engine.active()).extracting(Alert::instance).containsExactlyInAnyOrder(I1, I2);

        engine.onEvent(event(EventTypes.INSTANCE_STOPPED, I1));

        assertThat(alerts).filteredOn(a -> a.status() == Alert.Status.RESOLVED).singleElement()
                .satisfies(a -> {
                    assertThat(a.instance()).isEqualTo(I1);
                    assertThat(a.summary()).startsWith("resolved (instance stopped): ");
                });
        assertThat(engine.active()).extracting(Alert::instance).containsExactly(I2);
    }

    @Test
    void a_sleeping_app_resolves_its_silence_alerts_but_not_its_event_alerts() {
        AlertEngine engine = silentFor3Minutes(I1);
        engine.onEvent(event(EventTypes.INSTANCE_CRASH_LOOP, I1));
        assertThat(engine.active()).extracting(Alert::ruleId).containsExactlyInAnyOrder("heartbeat", "crash-loop");

        engine.onEvent(new Event(clock.instant(), EventTypes.APP_SLEEPING, SHOP, 3, null, "host-a", "idle", Map.of()));

        assertThat(alerts).filteredOn(a -> a.status() == Alert.Status.RESOLVED).singleElement()
                .satisfies(a -> {
                    assertThat(a.ruleId()).isEqualTo("heartbeat");
                    assertThat(a.summary()).startsWith("resolved (app sleeping): ");
                });
        assertThat(engine.active()).extracting(Alert::ruleId).containsExactly("crash-loop");
        pass(engine, Duration.ofMinutes(5), Duration.ofSeconds(5)); // asleep, its silence fires nothing again
        assertThat(engine.active()).extracting(Alert::ruleId).doesNotContain("heartbeat");
    }

    @Test
    void a_crash_loop_storm_is_one_alert_per_app_resolved_after_quiet() {
        AlertEngine engine = engine();
        for (int i = 0; i < 50; i++) {
            engine.onEvent(event(EventTypes.INSTANCE_EXITED, i % 2 == 0 ? I1 : I2));
            engine.onEvent(event(EventTypes.INSTANCE_CRASH_LOOP, i % 2 == 0 ? I1 : I2));
            clock.advance(Duration.ofSeconds(10));
            engine.tick();
        }
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.ruleId()).isEqualTo("crash-loop");
            assertThat(a.instance()).isNull();
            assertThat(a.app()).isEqualTo(SHOP);
        });
        pass(engine, Duration.ofMinutes(11), Duration.ofSeconds(30));
        assertThat(alerts).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
    }

    @Test
    void an_app_wide_event_alert_names_the_instance_and_release_of_the_event_that_fired_it() {
        AlertEngine engine = engine();
        engine.onEvent(new Event(clock.instant(), EventTypes.INSTANCE_OOM_KILLED, SHOP, 3, I2, "host-a",
                "killed: out of memory (limit 512 MiB)", Map.of()));
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.instance()).as("one alert per app, however many instances").isNull();
            assertThat(a.summary()).isEqualTo("instance.oom-killed on " + I2
                    + " (release 3): killed: out of memory (limit 512 MiB)");
        });
    }

    @Test
    void a_failed_deploy_resolves_on_the_next_successful_one() {
        AlertEngine engine = engine();
        engine.onEvent(event(EventTypes.DEPLOY_FAILED, null));
        clock.advance(Duration.ofMinutes(5));
        engine.onEvent(event(EventTypes.DEPLOY_SUCCEEDED, null));
        assertThat(alerts).extracting(Alert::ruleId, Alert::status).containsExactly(
                Tuple.tuple("deploy-failed", Alert.Status.FIRING),
                Tuple.tuple("deploy-failed", Alert.Status.RESOLVED));
    }

    @Test
    void a_threshold_fires_only_after_holding_for_its_duration_and_resolves_when_it_drops() {
        AlertEngine engine = engine(new ThresholdRule("rss-high", "rss_mb", ThresholdRule.Op.GT, 400,
                Duration.ofMinutes(1), List.of("mail")));
        engine.onSample(SHOP, I1, Map.of("rss_mb", 500.0));
        clock.advance(Duration.ofSeconds(30));
        engine.onSample(SHOP, I1, Map.of("rss_mb", 300.0)); // dipped: the clock restarts
        clock.advance(Duration.ofSeconds(5));
        engine.onSample(SHOP, I1, Map.of("rss_mb", 450.0));
        for (int i = 0; i < 11; i++) {
            clock.advance(Duration.ofSeconds(5));
            engine.onSample(SHOP, I1, Map.of("rss_mb", 450.0));
        }
        assertThat(alerts).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        engine.onSample(SHOP, I1, Map.of("rss_mb", 451.0));
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.summary()).isEqualTo("rss_mb > 400 for 1m on " + I1 + " (now 451)");
            assertThat(a.reactors()).containsExactly("mail");
        });
        engine.onSample(SHOP, I1, Map.of("rss_mb", 100.0));
        assertThat(alerts).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
    }

    @Test
    void a_rate_rule_fires_at_the_count_within_the_window_and_resolves_as_it_slides() {
        AlertEngine engine = engine(new RateRule("restarts", EventTypes.INSTANCE_EXITED, 5, Duration.ofMinutes(10),
                Scope.APP, null));
        for (int i = 0; i < 4; i++) {
            engine.onEvent(event(EventTypes.INSTANCE_EXITED, I1));
            clock.advance(Duration.ofMinutes(3)); // 4 in 12 minutes: never 5 in 10
        }
        assertThat(alerts).isEmpty();
        for (int i = 0; i < 5; i++) {
            engine.onEvent(event(EventTypes.INSTANCE_EXITED, i % 2 == 0 ? I1 : I2));
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.summary())
                .isEqualTo("5 instance.exited events in 10m (limit 5)"));
        pass(engine, Duration.ofMinutes(10), Duration.ofSeconds(30));
        assertThat(alerts).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
    }

    @Test
    void expiry_on_samples_per_app_fires_when_no_instance_reports() {
        AlertEngine engine = engine(new ExpireRule("no-metrics", ExpireRule.Signal.SAMPLE, Duration.ofMinutes(1),
                Scope.APP, null));
        engine.onSample(SHOP, I1, Map.of("cpu_percent", 1.0));
        clock.advance(Duration.ofSeconds(40));
        engine.onSample(SHOP, I2, Map.of("cpu_percent", 1.0));
        pass(engine, Duration.ofSeconds(55), Duration.ofSeconds(5));
        assertThat(alerts).isEmpty();
        pass(engine, Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.instance()).isNull());
    }

    @Test
    void an_app_can_turn_a_default_off() {
        AlertEngine engine = engine(new OffRule("crash-loop"));
        engine.onEvent(event(EventTypes.INSTANCE_CRASH_LOOP, I1));
        assertThat(alerts).isEmpty();
    }

    @Test
    void a_lost_agent_is_an_install_wide_alert_keyed_by_host() {
        AlertEngine engine = engine();
        engine.onEvent(new Event(clock.instant(), EventTypes.AGENT_LOST, null, null, null, "host-b", "session expired", null));
        engine.onEvent(new Event(clock.instant(), EventTypes.AGENT_JOINED, null, null, null, "host-b", null, null));
        assertThat(alerts).extracting(Alert::instance, Alert::status).containsExactly(
                Tuple.tuple("host-b", Alert.Status.FIRING),
                Tuple.tuple("host-b", Alert.Status.RESOLVED));
        assertThat(alerts.get(0).appLabel()).isEqualTo("install");
    }

    @Test
    void the_monitors_own_events_are_never_judged() {
        AlertEngine engine = engine(new EventRule("any-alert", "alert.", null, null, Scope.APP, null));
        engine.onEvent(event("alert.fired", I1));
        assertThat(alerts).isEmpty();
    }

    @Test
    void a_removed_rule_resolves_its_alert_on_the_next_tick() {
        List<Rule> custom = new ArrayList<>(List.of(new EventRule("oops", "instance.exited", null, null, Scope.APP,
                null)));
        AlertEngine engine = new AlertEngine(app -> List.copyOf(custom), Duration.ofMinutes(30), clock, alerts::add,
                emitted::add);
        engine.onEvent(event(EventTypes.INSTANCE_EXITED, I1));
        custom.clear();
        engine.tick();
        assertThat(alerts).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
    }
}
