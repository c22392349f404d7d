package dev.skep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VolumePathsTest {

    @Test
    void acceptsPlainRelativeDirectoriesInOneSpelling() {
        assertThat(VolumePaths.validate("data")).isEqualTo("data");
        assertThat(VolumePaths.validate("./data/")).isEqualTo("data");
        assertThat(VolumePaths.validate("var/uploads")).isEqualTo("var/uploads");
        assertThat(VolumePaths.validate(".node-red")).isEqualTo(".node-red");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "/data", "/", ".", "./", "..", "../data", "data/../..", "a//b", "a/./b",
            "node_modules", "lib/node_modules/x", "da ta", "data\\x", "a/b/c/d/e/f/g/h/i", "d$ta"})
    void refusesWithA422ThatSaysWhy(String path) {
        assertThatThrownBy(() -> VolumePaths.validate(path))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkepException.Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).contains("volume path");
                    assertThat(e.detail()).contains("relative to the app's root");
                });
    }

    @Test
    void namesTheReasonForTheCommonMistakes() {
        assertThatThrownBy(() -> VolumePaths.validate("../etc")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> VolumePaths.validate("/var/data")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> VolumePaths.validate("node_modules/.cache")).hasMessageContaining("node_modules");
        assertThatThrownBy(() -> VolumePaths.validate(null)).hasMessageContaining("required");
    }

    @Test
    void storesEachPathUnderItsOwnName() {
        assertThat(VolumePaths.storageName("var/uploads")).isEqualTo("var+uploads");
        assertThat(VolumePaths.storageName("var.uploads")).isEqualTo("var.uploads");
    }
}
