package dev.skep.route.proxy;

import dev.skep.route.Backend;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class BalancerTest {

    static final List<String> ABC = List.of("a", "b", "c");

    @Test
    void theLeastLoadedWins() {
        Map<String, Integer> load = Map.of("a", 3, "b", 1, "c", 2);
        assertThat(Balancer.pick(ABC, load::get, x -> false, x -> true, 0)).isEqualTo("b");
    }

    @Test
    void tiesGoRoundRobin() {
        List<String> picks = new ArrayList<>();
        for (int cursor = 0; cursor < 6; cursor++) {
            picks.add(Balancer.pick(ABC, x -> 0, x -> false, x -> true, cursor));
        }
        assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void excludedCandidatesAreNeverPicked() {
        assertThat(Balancer.pick(ABC, x -> 0, x -> !x.equals("c"), x -> true, 0)).isEqualTo("c");
        assertThat(Balancer.pick(ABC, x -> 0, x -> true, x -> true, 0)).isNull();
        assertThat(Balancer.pick(List.<String>of(), x -> 0, x -> false, x -> true, 0)).isNull();
    }

    @Test
    void unhealthyCandidatesAreUsedOnlyWhenNothingElseIsLeft() {
        Map<String, Integer> load = Map.of("a", 0, "b", 5, "c", 9);
        assertThat(Balancer.pick(ABC, load::get, x -> false, x -> !x.equals("a"), 0)).isEqualTo("b");
        assertThat(Balancer.pick(ABC, load::get, x -> false, x -> false, 0)).isEqualTo("a");
    }

    @Test
    void aRefusingBackendIsEjectedForAWhile() {
        AtomicLong now = new AtomicLong(1_000);
        BackendLoads loads = new BackendLoads(Duration.ofSeconds(5), now::get);
        Backend a = new Backend("a", "h", 1);
        Backend b = new Backend("b", "h", 2);
        loads.eject(a);
        assertThat(loads.ejected(a)).isTrue();
        for (int i = 0; i < 4; i++) {
            assertThat(loads.choose(List.of(a, b), Set.of())).isEqualTo(b);
        }
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(loads.ejected(a)).isFalse();
        loads.started(b);
        assertThat(loads.choose(List.of(a, b), Set.of())).isEqualTo(a);
        assertThat(loads.choose(List.of(a, b), Set.of(a))).isEqualTo(b);
    }

    @Test
    void outstandingCountsFollowStartAndFinish() {
        BackendLoads loads = new BackendLoads(Duration.ofSeconds(5), System::nanoTime);
        Backend a = new Backend("a", "h", 1);
        loads.started(a);
        loads.started(a);
        loads.finished(a);
        assertThat(loads.outstanding(a)).isEqualTo(1);
    }
}
