package dev.skep.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LifetimesTest {

    @Test
    void readsTheShortFormsAndIso() {
        assertThat(Lifetimes.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(Lifetimes.parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(Lifetimes.parse("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Lifetimes.parse("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Lifetimes.parse("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Lifetimes.parse(null)).isNull();
        assertThat(Lifetimes.parse(" ")).isNull();
    }

    @Test
    void refusesNonsenseZeroNegativeAndTooLong() {
        for (String bad : new String[] {"0d", "-1d", "PT-1H", "PT0S", "3651d", "forever", "30 days", "1y", "9999999d"}) {
            assertThatThrownBy(() -> Lifetimes.parse(bad)).as(bad).hasMessageContaining("lifetime");
        }
    }
}
