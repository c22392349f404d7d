package dev.skep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvNamesTest {

    @Test
    void anEnvUpToTheBoundPassesAndOneByteMoreIsTooLarge() {
        String value = "v".repeat(EnvNames.MAX_BYTES - "K".length());
        assertThat(EnvNames.requireSize("alice/shop", Map.of("K", value))).containsKey("K");
        assertThatThrownBy(() -> EnvNames.requireSize("alice/shop", Map.of("K", value + "v")))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkepException.Kind.TOO_LARGE);
                    assertThat(e.getMessage()).contains("alice/shop").contains("65537 bytes");
                });
    }

    @Test
    void multiByteValuesCountTheirUtf8Bytes() {
        String euros = "€".repeat(EnvNames.MAX_BYTES / 3); // 3 bytes each: just under the bound
        assertThat(EnvNames.requireSize("a/b", Map.of("E", euros))).hasSize(1);
        assertThatThrownBy(() -> EnvNames.requireSize("a/b", Map.of("E", euros, "F", "€€")))
                .isInstanceOf(SkepException.class);
    }
}
