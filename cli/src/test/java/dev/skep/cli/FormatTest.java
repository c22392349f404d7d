package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void sizesUseBinaryMultiples() {
        assertThat(Format.bytes(0)).isEqualTo("0 B");
        assertThat(Format.bytes(1023)).isEqualTo("1023 B");
        assertThat(Format.bytes(1536)).isEqualTo("1.5 KB");
        assertThat(Format.bytes(52428800)).isEqualTo("50.0 MB");
        assertThat(Format.bytes(3L << 30)).isEqualTo("3.0 GB");
    }

    @Test
    void durationsShowTheTwoLargestUnits() {
        assertThat(Format.duration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Format.duration(Duration.ofMinutes(12).plusSeconds(5))).isEqualTo("12m");
        assertThat(Format.duration(Duration.ofHours(3).plusMinutes(5))).isEqualTo("3h 5m");
        assertThat(Format.duration(Duration.ofDays(2).plusHours(4))).isEqualTo("2d 4h");
        assertThat(Format.duration(Duration.ofSeconds(-5))).isEqualTo("0s");
    }

    @Test
    void millisecondsReadAsSecondsFromOneSecondOn() {
        assertThat(Format.millis(320)).isEqualTo("320 ms");
        assertThat(Format.millis(4200)).isEqualTo("4.2 s");
    }
}
