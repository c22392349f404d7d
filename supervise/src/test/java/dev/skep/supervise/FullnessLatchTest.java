package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.supervise.workspace.AppDisks.Usage;
import org.junit.jupiter.api.Test;

class FullnessLatchTest {

    final AppId shop = new AppId("alice", "shop");
    final AppId blog = new AppId("bob", "blog");

    @Test
    void saysOncePerCrossingAndAgainOnlyAfterDroppingBelowTheClearLine() {
        FullnessLatch latch = new FullnessLatch(0.9, 0.85);
        assertThat(latch.crossed(shop, new Usage(50, 100))).isFalse();
        assertThat(latch.crossed(shop, new Usage(90, 100))).isTrue();
        assertThat(latch.crossed(shop, new Usage(95, 100))).isFalse();
        assertThat(latch.crossed(shop, new Usage(87, 100))).isFalse(); // hovering near the line: still raised
        assertThat(latch.crossed(shop, new Usage(91, 100))).isFalse();
        assertThat(latch.crossed(shop, new Usage(80, 100))).isFalse(); // cleared
        assertThat(latch.crossed(shop, new Usage(99, 100))).isTrue();
    }

    @Test
    void appsAreApartAndForgetClears() {
        FullnessLatch latch = new FullnessLatch(0.9, 0.85);
        assertThat(latch.crossed(shop, new Usage(95, 100))).isTrue();
        assertThat(latch.crossed(blog, new Usage(95, 100))).isTrue();
        latch.forget(shop);
        assertThat(latch.crossed(shop, new Usage(95, 100))).isTrue();
        assertThat(latch.crossed(blog, new Usage(95, 100))).isFalse();
        assertThat(latch.crossed(shop, new Usage(0, 0))).isFalse(); // no limit known: never full
    }
}
