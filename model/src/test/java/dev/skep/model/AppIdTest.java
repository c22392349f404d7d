package dev.skep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AppIdTest {

    @Test
    void parsesUserSlashApp() {
        AppId id = AppId.parse("alice/shop-2");
        assertThat(id.user()).isEqualTo("alice");
        assertThat(id.name()).isEqualTo("shop-2");
        assertThat(id).hasToString("alice/shop-2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x", "a b", "Shop", "app; rm -rf /", "-shop", "shop-", "", "ѕhop",
            "a/b", "shop\u0000", "x.y"})
    void rejectsHostileNames(String name) {
        assertThatThrownBy(() -> new AppId("alice", name))
                .isInstanceOf(SkepException.class)
                .satisfies(e -> assertThat(((SkepException) e).kind()).isEqualTo(SkepException.Kind.BAD_REQUEST));
    }

    @Test
    void rejectsOverlongNames() {
        assertThatThrownBy(() -> new AppId("a".repeat(300), "shop")).hasMessageContaining("...");
    }

    @Test
    void rejectsPathsWithTooManyParts() {
        assertThatThrownBy(() -> AppId.parse("alice/shop/x")).isInstanceOf(SkepException.class);
    }

    @Test
    void instanceIdsAreUniqueAndValid() {
        AppId id = AppId.parse("alice/shop");
        String a = InstanceIds.next(id, 3);
        assertThat(a).startsWith("alice.shop.3.");
        assertThat(InstanceIds.isValid(a)).isTrue();
        assertThat(InstanceIds.next(id, 3)).isNotEqualTo(a);
    }
}
