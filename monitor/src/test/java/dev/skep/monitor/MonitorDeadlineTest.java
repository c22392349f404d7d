package dev.skep.monitor;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.monitor.react.LogReactor;
import dev.skep.monitor.react.RetryPolicy;
import dev.skep.monitor.rules.ExpireRule;
import dev.skep.monitor.rules.MonitorEvents;
import dev.skep.monitor.rules.Scope;
import dev.skep.monitor.support.Hmac;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An expiry is judged at its deadline, not at the next periodic tick (here a minute away). */
class MonitorDeadlineTest {

    static final AppId SHOP = new AppId("alice", "shop");
    static final Duration T = Duration.ofSeconds(1);
    static final Duration TICK = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    Monitor monitor;

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    @Test
    void silentInstancesFireAtLastBeatPlusTEachAtItsOwnDeadline() throws Exception {
        MonitorConfig config = MonitorConfig.defaults(dir.resolve("events"), Hmac.randomKey())
                .withTiming(Duration.ofSeconds(5), TICK, Duration.ofHours(1), RetryPolicy.defaults());
        monitor = Monitor.start(config, List::of,
                app -> List.of(new ExpireRule("heartbeat", ExpireRule.Signal.HEARTBEAT, T, Scope.INSTANCE, null)),
                List.of(new LogReactor()), Clock.systemUTC());
        String first = "alice.shop.1.aaaaaa";
        String second = "alice.shop.1.bbbbbb";
        Instant firstBeat = Instant.now();
        assertThat(monitor.heartbeats().beat(first, monitor.heartbeats().secretFor(first))).isTrue();
        Thread.sleep(300); // the pace of the test: the second instance beats 300 ms later (not a wait for a condition)
        Instant secondBeat = Instant.now();
        assertThat(monitor.heartbeats().beat(second, monitor.heartbeats().secretFor(second))).isTrue();

        await().atMost(T.multipliedBy(5)).until(() -> fired().size() == 2);
        List<Event> fired = fired();
        assertThat(fired).extracting(Event::instance).containsExactly(first, second);
        assertThat(Duration.between(firstBeat, fired.get(0).time())).isBetween(T, T.plusMillis(400));
        assertThat(Duration.between(secondBeat, fired.get(1).time())).isBetween(T, T.plusMillis(400));
    }

    private List<Event> fired() {
        return monitor.events().query(SHOP, MonitorEvents.ALERT_FIRED, null, 10);
    }
}
