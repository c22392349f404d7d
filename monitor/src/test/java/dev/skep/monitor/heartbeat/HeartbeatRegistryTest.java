package dev.skep.monitor.heartbeat;

import dev.skep.model.AppId;
import dev.skep.monitor.support.Hmac;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatRegistryTest {

    final List<String> beats = new ArrayList<>();
    final byte[] key = Hmac.randomKey();
    final HeartbeatRegistry registry = new HeartbeatRegistry(key, (app, instance) -> beats.add(app + " " + instance));

    @Test
    void the_right_secret_is_a_beat_for_its_app_and_instance() {
        String id = "alice.shop.3.abc123";
        assertThat(registry.beat(id, registry.secretFor(id))).isTrue();
        assertThat(beats).containsExactly("alice/shop alice.shop.3.abc123");
    }

    @Test
    void a_wrong_or_borrowed_secret_or_a_bad_id_is_refused() {
        String mine = "alice.shop.3.abc123";
        String other = "bob.blog.1.def456";
        assertThat(registry.beat(mine, registry.secretFor(other))).isFalse();
        assertThat(registry.beat(mine, "")).isFalse();
        assertThat(registry.beat(mine, null)).isFalse();
        assertThat(registry.beat("../etc/passwd", registry.secretFor(mine))).isFalse();
        assertThat(beats).isEmpty();
    }

    @Test
    void secrets_differ_per_instance_and_survive_a_restart_with_the_same_install_key() {
        HeartbeatRegistry again = new HeartbeatRegistry(key, (a, i) -> { });
        HeartbeatRegistry otherInstall = new HeartbeatRegistry(Hmac.randomKey(), (a, i) -> { });
        String id = "alice.shop.3.abc123";
        assertThat(again.secretFor(id)).isEqualTo(registry.secretFor(id)).hasSize(64);
        assertThat(otherInstall.secretFor(id)).isNotEqualTo(registry.secretFor(id));
        assertThat(registry.secretFor("alice.shop.3.abc124")).isNotEqualTo(registry.secretFor(id));
    }

    @Test
    void the_environment_names_the_url_and_secret() {
        assertThat(registry.environment("alice.shop.3.abc123", "http://10.0.0.5:9002/"))
                .containsEntry("SKEP_HEARTBEAT_URL", "http://10.0.0.5:9002/v1/heartbeat/alice.shop.3.abc123")
                .containsEntry("SKEP_HEARTBEAT_SECRET", registry.secretFor("alice.shop.3.abc123"));
        assertThat(new AppId("alice", "shop").toString()).isEqualTo("alice/shop");
    }
}
