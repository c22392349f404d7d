package dev.skep.monitor.react;

import dev.skep.monitor.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), Duration.ofMinutes(2), clock);

    @Test
    void opensAfterFailuresInARowThenLetsATrialThroughAndDoublesIfItFails() {
        assertThat(breaker.failed()).isEmpty();
        assertThat(breaker.failed()).isEmpty();
        assertThat(breaker.openUntil()).isEmpty();
        assertThat(breaker.failed()).contains(Duration.ofSeconds(30));
        assertThat(breaker.openUntil()).contains(Instant.parse("2026-01-01T00:00:30Z"));
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.openUntil()).as("a trial may go").isEmpty();
        assertThat(breaker.failed()).contains(Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(60));
        assertThat(breaker.failed()).contains(Duration.ofMinutes(2));
        clock.advance(Duration.ofMinutes(2));
        assertThat(breaker.failed()).as("capped").contains(Duration.ofMinutes(2));
        clock.advance(Duration.ofMinutes(2));
        breaker.succeeded();
        assertThat(breaker.openUntil()).isEmpty();
        assertThat(breaker.failed()).as("closed again: failures count from zero").isEmpty();
    }
}
