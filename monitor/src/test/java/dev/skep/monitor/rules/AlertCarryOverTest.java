package dev.skep.monitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.monitor.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trial: crash-loop, rolled-back and oom-killed alerts that fired before a restart of skep never resolved after it
 * (the engine's state is in memory). Now what fires is kept in a file: after a start, an alert that fires again goes
 * on as a repeat of the old one, and one that does not is resolved once the grace has passed.
 */
class AlertCarryOverTest {

    static final AppId SHOP = new AppId("alice", "shop");

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.at("2026-12-07T12:00:00Z");
    final List<Alert> sent = new ArrayList<>();
    final List<Event> events = new ArrayList<>();

    Alert alert(String rule, String instance, Alert.Status status) {
        return new Alert(rule, "event", SHOP, instance, status, clock.instant(), clock.instant(),
                rule + " on " + instance, List.of());
    }

    AlertCarryOver start() {
        return new AlertCarryOver(dir.resolve("alerts-firing.json"), sent::add, events::add, clock);
    }

    @Test
    void whatFiredBeforeARestartRepeatsIfItHoldsAndIsResolvedIfNot() {
        AlertCarryOver before = start();
        before.onAlert(alert("crash-loop", "i1", Alert.Status.FIRING));
        before.onAlert(alert("oom-killed", "i2", Alert.Status.FIRING));
        before.onAlert(alert("deploy-failed", "i3", Alert.Status.FIRING));
        before.onAlert(alert("deploy-failed", "i3", Alert.Status.RESOLVED));
        assertThat(dir.resolve("alerts-firing.json")).as("not written under the engine's lock").doesNotExist();
        before.tick(); // the monitor's next tick writes the file (not the engine's notification, under its lock)
        var firedAt = clock.instant();
        sent.clear();

        clock.advance(Duration.ofMinutes(5)); // skep restarts
        AlertCarryOver after = start();
        after.onAlert(alert("crash-loop", "i1", Alert.Status.FIRING)); // it still holds
        assertThat(sent).singleElement().satisfies(a -> {
            assertThat(a.status()).as("not a new incident").isEqualTo(Alert.Status.REPEAT);
            assertThat(a.since()).isEqualTo(firedAt);
        });

        clock.advance(AlertCarryOver.GRACE.minusSeconds(1));
        after.tick();
        assertThat(sent).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        after.tick();
        assertThat(sent).hasSize(2);
        Alert resolved = sent.get(1);
        assertThat(resolved.ruleId()).isEqualTo("oom-killed");
        assertThat(resolved.status()).isEqualTo(Alert.Status.RESOLVED);
        assertThat(resolved.summary()).startsWith("resolved (not seen since skep restarted): oom-killed on i2");
        assertThat(events).singleElement().satisfies(e -> assertThat(e.type()).isEqualTo(MonitorEvents.ALERT_RESOLVED));
        after.tick();
        assertThat(sent).as("once").hasSize(2);

        // only the crash-loop is still firing: a further restart carries it alone
        sent.clear();
        AlertCarryOver again = start();
        clock.advance(AlertCarryOver.GRACE);
        again.tick();
        assertThat(sent).singleElement().satisfies(a -> assertThat(a.ruleId()).isEqualTo("crash-loop"));
    }

    @Test
    void aFirstStartCarriesNothing() {
        AlertCarryOver first = start();
        clock.advance(AlertCarryOver.GRACE.plusMinutes(1));
        first.tick();
        assertThat(sent).isEmpty();
        assertThat(events).isEmpty();
    }
}
