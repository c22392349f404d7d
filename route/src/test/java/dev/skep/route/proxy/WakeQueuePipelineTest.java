package dev.skep.route.proxy;

import static dev.skep.route.proxy.FrontendPipelineTest.outbound;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: the router holds requests for a sleeping app in a bounded queue; beyond it a request gets a 503 with
 * Retry-After at once (not a hold, not a connection error), a client that leaves frees its place, and the held ones
 * go on to the app once a table gives it a ready instance. The router's handlers on EmbeddedChannels.
 */
class WakeQueuePipelineTest {

    static final AppId NAP = new AppId("alice", "nap");
    static final Backend NAP_1 = new Backend("nap-1", "10.0.0.5", 5001);

    final EmbeddedProxy proxy = new EmbeddedProxy(FrontendPipelineTest.SHOP, FrontendPipelineTest.SHOP_1);

    @AfterEach
    void close() {
        proxy.close();
    }

    EmbeddedChannel get() {
        return proxy.get("nap.test");
    }

    static RouteTable table(AppRoute nap) {
        return RouteTable.of(Map.of("nap.test", nap));
    }

    @Test
    void beyondTheAppsQueueA503WithRetryAfterAndTheHeldGoOnOnceItIsReady() {
        AtomicInteger wakes = new AtomicInteger();
        proxy.proxy.wakeHolds().onWake(app -> wakes.incrementAndGet());
        proxy.proxy.update(table(new AppRoute(NAP, List.of(), List.of(), 0, false, true, null, true, true)));
        int max = proxy.proxy.wakeHolds().maxPerApp();
        List<EmbeddedChannel> held = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < max; i++) {
            held.add(get());
        }
        long burstSeconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(held).as("each held: nothing answered yet").allSatisfy(c -> assertThat(outbound(c)).isEmpty());
        // asked once, and again at most once a second while the burst lasts (a loaded machine: 2-3 s)
        assertThat(wakes.get()).as("wakes asked by a burst").isBetween(1, 1 + (int) burstSeconds);

        EmbeddedChannel over = get();
        String answer = outbound(over);
        assertThat(answer).startsWith("HTTP/1.1 503 ").containsIgnoringCase("retry-after: 2\r\n")
                .contains(ErrorPages.WAKE_QUEUE_FULL);
        assertThat(over.isOpen()).as("a bodyless GET keeps its connection").isTrue();

        held.remove(0).close(); // a client that gives up leaves the queue: the next one is held again
        EmbeddedChannel next = get();
        assertThat(outbound(next)).isEmpty();
        held.add(next);
        assertThat(outbound(get())).startsWith("HTTP/1.1 503 ");

        proxy.proxy.update(table(new AppRoute(NAP, List.of(NAP_1), List.of(), 0, false, true, null, true, false)));
        held.forEach(EmbeddedChannel::runPendingTasks);
        assertThat(forwarded()).isEqualTo(max);
        EmbeddedChannel later = get();
        later.runPendingTasks();
        assertThat(forwarded()).as("the queue is empty again: the next request goes straight on").isEqualTo(1);
        assertThat(outbound(later)).isEmpty();
    }

    /** How many requests reached the app's backend connections since the last call. */
    long forwarded() {
        return proxy.backends.stream().mapToLong(b -> outbound(b).split("GET / HTTP/1.1").length - 1).sum();
    }
}
