package dev.skep.monitor.react;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    @Test
    void delays_double_and_stop_at_the_cap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofSeconds(5), Duration.ofSeconds(60));
        assertThat(p.delayAfter(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.delayAfter(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayAfter(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(p.delayAfter(5)).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.delayAfter(200)).isEqualTo(Duration.ofSeconds(60));
    }
}
