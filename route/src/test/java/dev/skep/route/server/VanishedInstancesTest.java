package dev.skep.route.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VanishedInstancesTest {

    final AtomicLong clock = new AtomicLong(1_000);
    final VanishedInstances vanished = new VanishedInstances(Duration.ofSeconds(3), clock::get);

    static InstanceStatus status(String id, InstanceState state) {
        return new InstanceStatus(id, AppId.parse("alice/shop"), 1, "agent-1", "10.0.0.1", 20000, 42, state,
                Instant.EPOCH, 0, null, null);
    }

    void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void aReadyInstanceThatVanishesIsKeptUntilItsTimeIsUp() {
        var a = status("a", InstanceState.READY);
        var b = status("b", InstanceState.READY);
        assertThat(vanished.withVanished(List.of(a, b))).containsExactly(a, b);
        assertThat(vanished.nextExpiry()).isEmpty();

        assertThat(vanished.withVanished(List.of())).containsExactlyInAnyOrder(a, b);
        assertThat(vanished.nextExpiry()).contains(Duration.ofSeconds(3));
        advance(Duration.ofMillis(2_999));
        assertThat(vanished.withVanished(List.of())).containsExactlyInAnyOrder(a, b);
        assertThat(vanished.nextExpiry()).contains(Duration.ofMillis(1));
        advance(Duration.ofMillis(1));
        assertThat(vanished.withVanished(List.of())).isEmpty();
        assertThat(vanished.nextExpiry()).isEmpty();
        advance(Duration.ofSeconds(10));
        assertThat(vanished.withVanished(List.of())).as("dropped for good, never back by itself").isEmpty();
    }

    @Test
    void anInstanceThatWasStoppingOrNotReadyGoesAtOnce() {
        vanished.withVanished(List.of(status("a", InstanceState.STOPPING), status("b", InstanceState.STARTING),
                status("c", InstanceState.BACKOFF)));
        assertThat(vanished.withVanished(List.of())).isEmpty();
        assertThat(vanished.keptIds()).isEmpty();
    }

    @Test
    void anInstanceBackInTheStateIsRoutedByWhatItReportsNow() {
        var ready = status("a", InstanceState.READY);
        vanished.withVanished(List.of(ready));
        vanished.withVanished(List.of());
        assertThat(vanished.keptIds()).containsExactly("a");
        var stopping = status("a", InstanceState.STOPPING);
        assertThat(vanished.withVanished(List.of(stopping))).containsExactly(stopping);
        assertThat(vanished.keptIds()).isEmpty();
        assertThat(vanished.withVanished(List.of())).as("it was stopping when it left").isEmpty();
    }

    @Test
    void eachVanishedInstanceHasItsOwnDeadline() {
        var a = status("a", InstanceState.READY);
        var b = status("b", InstanceState.READY);
        vanished.withVanished(List.of(a, b));
        vanished.withVanished(List.of(b));
        advance(Duration.ofSeconds(2));
        assertThat(vanished.withVanished(List.of())).containsExactlyInAnyOrder(a, b);
        assertThat(vanished.nextExpiry()).contains(Duration.ofSeconds(1));
        advance(Duration.ofSeconds(1));
        assertThat(vanished.withVanished(List.of())).containsExactly(b);
        assertThat(vanished.nextExpiry()).contains(Duration.ofSeconds(2));
    }
}
