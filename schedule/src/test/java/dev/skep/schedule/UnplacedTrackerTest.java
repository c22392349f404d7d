package dev.skep.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnplacedTrackerTest {

    static final AppId SHOP = AppId.parse("alice/shop");
    static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

    final List<Event> events = new ArrayList<>();
    final List<Map<AppId, List<Unplaced>>> boards = new ArrayList<>();
    final UnplacedTracker tracker = new UnplacedTracker(events::add, boards::add);

    @Test
    void aBlipShorterThanTheSettleIsNotSaid() {
        Unplaced u = new Unplaced(SHOP, "web", 1, "no agent is running");
        assertThat(tracker.update(List.of(u), T0)).isTrue();
        assertThat(tracker.update(List.of(), T0.plusSeconds(1))).isFalse();
        assertThat(events).isEmpty();
        assertThat(boards).containsExactly(Map.of());
    }

    @Test
    void noAgentAtAllIsSaidOnlyAfterTheLongerSettle() {
        Unplaced u = new Unplaced(SHOP, "web", 1, "no agent is running");
        tracker.update(List.of(u), T0);
        tracker.update(List.of(u), T0.plusSeconds(10));
        assertThat(events).isEmpty();
        tracker.update(List.of(u), T0.plusSeconds(15));
        assertThat(events).singleElement().extracting(Event::message)
                .isEqualTo("1 web instance of alice/shop cannot be placed: no agent is running");
    }

    @Test
    void saidOncePerReasonAndClearedWhenPlaced() {
        Unplaced u = new Unplaced(SHOP, "web", 2, "no agent can fit this: a1 is draining");
        tracker.update(List.of(u), T0);
        tracker.update(List.of(u), T0.plusSeconds(3));
        tracker.update(List.of(new Unplaced(SHOP, "web", 1, u.reason())), T0.plusSeconds(4));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("app.unplaced");
            assertThat(e.app()).isEqualTo(SHOP);
            assertThat(e.message()).isEqualTo("2 web instances of alice/shop cannot be placed: " + u.reason());
        });
        Unplaced other = new Unplaced(SHOP, "web", 1, "no agent can fit this: a1 is full (1 of 1 instances)");
        tracker.update(List.of(other), T0.plusSeconds(5));
        assertThat(events).hasSize(2);
        tracker.update(List.of(), T0.plusSeconds(6));
        assertThat(boards.get(boards.size() - 1)).isEmpty();
        assertThat(boards.get(boards.size() - 2)).isEqualTo(Map.of(SHOP, List.of(other)));
    }
}
