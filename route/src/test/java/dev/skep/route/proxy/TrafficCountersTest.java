package dev.skep.route.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.route.Backend;
import dev.skep.route.RouteMetrics;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Counting per app and per instance, and forgetting what left the state. */
class TrafficCountersTest {

    private static final AppId SHOP = AppId.parse("alice/shop");
    private static final AppId BLOG = AppId.parse("bob/blog");
    private static final Backend A = new Backend("alice.shop.1.aaaaaa", "127.0.0.1", 20001);
    private static final Backend B = new Backend("alice.shop.1.bbbbbb", "127.0.0.1", 20002);

    @Test
    void countsEachRequestForItsAppAndForTheInstanceThatAnswered() {
        TrafficCounters counters = new TrafficCounters();
        counters.record(SHOP, A, 200, 1_000_000);
        counters.record(SHOP, A, 502, 1_000_000);
        counters.record(SHOP, B, 200, 1_000_000);
        counters.record(SHOP, 404, 10_000); // the router's own answer: no instance

        assertThat(counters.snapshot().get(SHOP).requests()).isEqualTo(4);
        assertThat(counters.snapshot().get(SHOP).status5xx()).isEqualTo(1);
        assertThat(counters.instances()).containsOnly(
                Map.entry(A.instance(), new RouteMetrics.InstanceTraffic(SHOP, 2, 1)),
                Map.entry(B.instance(), new RouteMetrics.InstanceTraffic(SHOP, 1, 0)));
    }

    @Test
    void anExchangeWithNoBackendCountsForTheAppOnly() {
        TrafficCounters counters = new TrafficCounters();
        counters.record(SHOP, null, 499, 1_000);

        assertThat(counters.snapshot().get(SHOP).requests()).isEqualTo(1);
        assertThat(counters.instances()).isEmpty();
    }

    @Test
    void forgetsAppsAndInstancesThatAreNoLongerListed() {
        TrafficCounters counters = new TrafficCounters();
        counters.record(SHOP, A, 200, 1_000);
        counters.record(SHOP, B, 200, 1_000);
        counters.record(BLOG, new Backend("bob.blog.1.cccccc", "127.0.0.1", 20003), 200, 1_000);

        counters.retain(Set.of(SHOP), Set.of(A.instance()));

        assertThat(counters.snapshot()).containsOnlyKeys(SHOP);
        assertThat(counters.instances()).containsOnlyKeys(A.instance());
        assertThat(counters.snapshot().get(SHOP).requests()).as("what is kept keeps counting").isEqualTo(2);
    }
}
