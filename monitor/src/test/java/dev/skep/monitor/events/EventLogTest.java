package dev.skep.monitor.events;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.EventTypes;
import dev.skep.monitor.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventLogTest {

    static final AppId SHOP = new AppId("alice", "shop");
    static final AppId BLOG = new AppId("bob", "blog");

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.at("2025-01-01T10:00:00Z");

    Event event(AppId app, String type, String message) {
        return new Event(null, type, app, 1, "x.y.1.aaaaaa", "h", message, Map.of("k", "v"));
    }

    @Test
    void events_survive_a_reopen_in_order_with_all_fields() {
        try (EventLog log = new EventLog(EventLogConfig.defaults(dir), clock)) {
            log.emit(event(SHOP, EventTypes.DEPLOY_STARTED, "one"));
            clock.advance(Duration.ofSeconds(1));
            log.emit(event(BLOG, EventTypes.AGENT_LOST, "two"));
        }
        try (EventLog log = new EventLog(EventLogConfig.defaults(dir), clock)) {
            List<Event> all = log.query(null, null, null, 100);
            assertThat(all).extracting(Event::message).containsExactly("one", "two");
            assertThat(all.get(0)).isEqualTo(new Event(Instant.parse("2025-01-01T10:00:00Z"),
                    EventTypes.DEPLOY_STARTED, SHOP, 1, "x.y.1.aaaaaa", "h", "one", Map.of("k", "v")));
        }
    }

    @Test
    void the_log_is_bounded_by_count_in_memory_and_on_disk() throws Exception {
        EventLogConfig config = EventLogConfig.defaults(dir).withMaxEvents(100, 20);
        try (EventLog log = new EventLog(config, clock)) {
            for (int i = 0; i < 1_000; i++) {
                log.emit(event(SHOP, EventTypes.INSTANCE_EXITED, "n" + i));
            }
            assertThat(log.query(null, null, null, 10_000)).hasSize(100).last()
                    .extracting(Event::message).isEqualTo("n999");
        }
        try (Stream<Path> files = Files.list(dir)) {
            long lines = 0;
            for (Path f : files.toList()) {
                lines += Files.readAllLines(f).size();
            }
            assertThat(lines).isBetween(100L, 120L);
        }
        try (EventLog log = new EventLog(config, clock)) {
            assertThat(log.query(null, null, null, 10_000)).hasSize(100).first()
                    .extracting(Event::message).isEqualTo("n900");
        }
    }

    @Test
    void events_older_than_the_maximum_age_are_dropped() {
        try (EventLog log = new EventLog(EventLogConfig.defaults(dir), clock)) {
            log.emit(event(SHOP, EventTypes.DEPLOY_STARTED, "old"));
            clock.advance(Duration.ofDays(8));
            log.emit(event(SHOP, EventTypes.DEPLOY_STARTED, "new"));
            assertThat(log.query(null, null, null, 10)).extracting(Event::message).containsExactly("new");
        }
    }

    @Test
    void queries_filter_by_app_type_prefix_and_time_and_keep_the_newest() {
        try (EventLog log = new EventLog(EventLogConfig.defaults(dir), clock)) {
            log.emit(event(SHOP, EventTypes.DEPLOY_STARTED, "a"));
            clock.advance(Duration.ofMinutes(1));
            Instant mark = clock.instant();
            log.emit(event(SHOP, EventTypes.INSTANCE_EXITED, "b"));
            log.emit(event(BLOG, EventTypes.INSTANCE_EXITED, "c"));
            log.emit(event(SHOP, EventTypes.INSTANCE_CRASH_LOOP, "d"));
            log.emit(event(SHOP, EventTypes.INSTANCE_EXITED, "e"));

            assertThat(log.query(SHOP, null, null, 10)).extracting(Event::message).containsExactly("a", "b", "d", "e");
            assertThat(log.query(null, "instance.", null, 10)).extracting(Event::message)
                    .containsExactly("b", "c", "d", "e");
            assertThat(log.query(SHOP, "instance.exited", mark, 10)).extracting(Event::message).containsExactly("b", "e");
            assertThat(log.query(SHOP, null, null, 2)).extracting(Event::message).containsExactly("d", "e");
        }
    }

    @Test
    void subscribers_get_matching_events_live_and_stop_when_closed() {
        try (EventLog log = new EventLog(EventLogConfig.defaults(dir), clock)) {
            List<String> got = new CopyOnWriteArrayList<>();
            Subscription s = log.subscribe(e -> SHOP.equals(e.app()), e -> got.add(e.message()));
            log.emit(event(SHOP, EventTypes.DEPLOY_STARTED, "a"));
            log.emit(event(BLOG, EventTypes.DEPLOY_STARTED, "b"));
            log.emit(event(SHOP, EventTypes.DEPLOY_SUCCEEDED, "c"));
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
            assertThat(got).containsExactly("a", "c");
            s.close();
            log.emit(event(SHOP, EventTypes.DEPLOY_STARTED, "d"));
            await().during(Duration.ofMillis(200)).until(() -> got.size() == 2);
        }
    }

    @Test
    void a_stuck_subscriber_never_blocks_emitters_and_loses_its_oldest_events() throws Exception {
        EventLogConfig config = EventLogConfig.defaults(dir).withSubscriberQueue(10);
        try (EventLog log = new EventLog(config, clock)) {
            CountDownLatch release = new CountDownLatch(1);
            List<String> got = new CopyOnWriteArrayList<>();
            Subscription stuck = log.subscribe(e -> true, e -> {
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                got.add(e.message());
            });
            long start = System.nanoTime();
            for (int i = 0; i < 1_000; i++) {
                log.emit(event(SHOP, EventTypes.INSTANCE_EXITED, "n" + i));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(stuck.dropped()).isGreaterThanOrEqualTo(989);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() >= 10);
            assertThat(got).contains("n999");
            assertThat(log.query(null, null, null, 5_000)).hasSize(1_000);
        }
    }

    @Test
    void emit_never_throws_even_after_close_or_on_nonsense() {
        EventLog log = new EventLog(EventLogConfig.defaults(dir), clock);
        log.emit(null);
        log.close();
        log.emit(event(SHOP, EventTypes.DEPLOY_STARTED, "late"));
    }
}
