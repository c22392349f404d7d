package dev.skep.route.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WakeHoldsTest {

    static final AppId NAP = new AppId("alice", "nap");
    static final AppId OTHER = new AppId("bob", "other");

    static AppRoute route(AppId app, List<Backend> backends, boolean sleeping) {
        return new AppRoute(app, backends, List.of(), 0, false, true, null, true, sleeping);
    }

    static RouteTable table(AppRoute... routes) {
        Map<String, AppRoute> byHost = new HashMap<>();
        for (AppRoute r : routes) {
            byHost.put(r.app().name() + "." + r.app().user() + ".localhost", r);
        }
        return RouteTable.of(byHost);
    }

    @Test
    void heldRequestsGoOnOnceTheirAppHasAReadyInstanceAndNotBefore() {
        WakeHolds holds = new WakeHolds(10, Duration.ofSeconds(30));
        AtomicInteger resumed = new AtomicInteger();
        AtomicInteger otherResumed = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(holds.hold(NAP, resumed::incrementAndGet)).isTrue();
        }
        assertThat(holds.hold(OTHER, otherResumed::incrementAndGet)).isTrue();
        assertThat(holds.waiting()).isEqualTo(Map.of(NAP, 3, OTHER, 1));

        holds.tableChanged(table(route(NAP, List.of(), true), route(OTHER, List.of(), false)));
        assertThat(resumed.get()).as("no instance yet: still held").isZero();

        holds.tableChanged(table(route(NAP, List.of(new Backend("nap-1", "127.0.0.1", 5001)), false),
                route(OTHER, List.of(), false)));
        assertThat(resumed.get()).isEqualTo(3);
        assertThat(otherResumed.get()).as("another app's requests wait for their own app").isZero();
        assertThat(holds.waiting()).isEqualTo(Map.of(OTHER, 1));
    }

    @Test
    void requestsHeldUntilTheFirstTableByManyThreadsAtOnceNeverPassTheBound() throws Exception {
        WakeHolds holds = new WakeHolds(1000, Duration.ofSeconds(30));
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger resumed = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> loops = new ArrayList<>();
        for (int t = 0; t < 8; t++) { // as a router's event loops do when skep starts under load
            loops.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 400; i++) {
                    if (holds.holdUntilTable(resumed::incrementAndGet)) {
                        taken.incrementAndGet();
                    }
                }
            }));
        }
        go.countDown();
        for (Thread loop : loops) {
            loop.join();
        }
        assertThat(taken.get()).isEqualTo(1000);
        holds.tableChanged(table(route(NAP, List.of(), false)));
        assertThat(resumed.get()).isEqualTo(1000);
    }

    @Test
    void theQueueOfAnAppIsBoundedAndAReleasedRequestFreesItsPlace() {
        WakeHolds holds = new WakeHolds(2, Duration.ofSeconds(30));
        WakeHolds.Held a = () -> { };
        WakeHolds.Held b = () -> { };
        assertThat(holds.hold(NAP, a)).isTrue();
        assertThat(holds.hold(NAP, b)).isTrue();
        assertThat(holds.hold(NAP, () -> { })).as("beyond the bound: the caller answers 503").isFalse();
        assertThat(holds.hold(OTHER, () -> { })).as("per app").isTrue();
        assertThat(holds.release(NAP, a)).isTrue();
        assertThat(holds.release(NAP, a)).as("once").isFalse();
        assertThat(holds.hold(NAP, () -> { })).isTrue();
    }

    @Test
    void aBurstAsksForOneWake() {
        WakeHolds holds = new WakeHolds(10, Duration.ofSeconds(30));
        List<AppId> asked = new ArrayList<>();
        holds.onWake(asked::add);
        for (int i = 0; i < 100; i++) {
            holds.askWake(NAP);
        }
        holds.askWake(OTHER);
        assertThat(asked).containsExactly(NAP, OTHER);
    }

    @Test
    void refusesNonsenseBounds() {
        assertThatThrownBy(() -> new WakeHolds(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WakeHolds(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
