package dev.skep.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import dev.skep.model.Volume;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Capacity-aware placement: memory, spread, ties by load, constraints, drain and the unplaced state. */
class PlacementTest {

    static final Instant NOW = PlannerTest.NOW;
    static final AppId SHOP = PlannerTest.SHOP;
    static final AppId BLOG = AppId.parse("bob/blog");
    static final long MIB = 1024 * 1024;

    final List<Assignment> assignments = new ArrayList<>();
    final Map<String, InstanceStatus> instances = new HashMap<>();
    Set<String> draining = Set.of();
    Map<AppId, Map<String, String>> constraints = Map.of();

    /** An agent with {@code freeMib} available now, its instances limited to 512 MiB each. */
    static AgentInfo agent(String id, long freeMib, Map<String, String> labels) {
        return new AgentInfo(id, "10.0.0." + id.charAt(1), 100, "t", NOW, 16384 * MIB, 512 * MIB, 2, labels,
                freeMib * MIB);
    }

    static Release release(AppId app, int n) {
        return new Release(app, n, "sha", app.user() + "." + app.name() + ".sha", List.of("node", "server.js"), Map.of(),
                NOW, app.user(), "");
    }

    static AppSpec spec(AppId app, int count) {
        return AppSpec.create(app, NOW).withRelease(1, NOW).withInstances(count, NOW);
    }

    Plan plan(List<AgentInfo> agents, AppSpec... specs) {
        Map<AppId, Release> wanted = new HashMap<>();
        for (AppSpec s : specs) {
            wanted.put(s.id(), release(s.id(), 1));
        }
        return Planner.plan(new ClusterView(List.of(specs), wanted, agents, assignments, instances)
                .withPlacement(draining, constraints), NOW);
    }

    void run(List<Assignment> placed, InstanceState state) {
        for (Assignment a : placed) {
            assignments.add(a);
            instances.put(a.instance(), new InstanceStatus(a.instance(), a.app(), a.release().number(), a.agent(), "h",
                    1, 1, state, NOW, 0, null, null));
        }
    }

    @Test
    void anAgentWithoutMemoryFreeForOneMoreInstanceGetsNone() {
        // a1 has 1 GiB free: two instances at their 512 MiB limit; a2 has 4 GiB free
        List<AgentInfo> agents = List.of(agent("a1", 1024, Map.of()), agent("a2", 4096, Map.of()));
        Plan plan = plan(agents, spec(SHOP, 7));
        assertThat(plan.add()).extracting(Assignment::agent).filteredOn("a1"::equals).hasSize(2);
        assertThat(plan.add()).extracting(Assignment::agent).filteredOn("a2"::equals).hasSize(5);
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void whatFitsNowhereIsUnplacedWithTheReasonOfEachAgent() {
        List<AgentInfo> agents = List.of(agent("a1", 512, Map.of()), agent("a2", 700, Map.of()));
        Plan plan = plan(agents, spec(SHOP, 3));
        assertThat(plan.add()).extracting(Assignment::agent).containsExactlyInAnyOrder("a1", "a2");
        assertThat(plan.unplaced()).singleElement().satisfies(u -> {
            assertThat(u.app()).isEqualTo(SHOP);
            assertThat(u.type()).isEqualTo("web");
            assertThat(u.missing()).isEqualTo(1);
            assertThat(u.reason()).isEqualTo("no agent can fit this: a1 has 0 MiB free, an instance needs 512 MiB; "
                    + "a2 has 188 MiB free, an instance needs 512 MiB");
        });
    }

    @Test
    void runningInstancesCountByWhatTheHostHasFreeNotByTheirLimits() {
        // 40 instances already run on a1 (their limits add up to 20 GiB), and it still has 2 GiB free
        List<AgentInfo> agents = List.of(agent("a1", 2048, Map.of()));
        AppId other = AppId.parse("carol/wiki");
        for (int i = 1; i <= 40; i++) {
            run(List.of(new Assignment(InstanceIds.next(other, 1, "web", i), "a1", release(other, 1), 0,
                    NOW, List.of())), InstanceState.READY);
        }
        assertThat(plan(agents, spec(other, 40), spec(SHOP, 4)).add()).hasSize(4);
    }

    @Test
    void anAgentThatSaysNothingOfItsMemoryIsNotCheckedForIt() {
        Plan plan = plan(List.of(new AgentInfo("a1", "h", 100, "t", NOW)), spec(SHOP, 3));
        assertThat(plan.add()).hasSize(3);
    }

    @Test
    void noAgentAtAllIsSaidToo() {
        assertThat(plan(List.of(), spec(SHOP, 2)).unplaced()).singleElement()
                .satisfies(u -> assertThat(u.reason()).isEqualTo("no agent is running"))
                .satisfies(u -> assertThat(u.missing()).isEqualTo(2));
    }

    @Test
    void anAppsInstancesSpreadOverHostsBeforeLoadCounts() {
        // a1 is much less loaded, but the second instance of shop still goes to a2: a host's death takes one
        List<AgentInfo> agents = List.of(agent("a1", 8192, Map.of()), agent("a2", 8192, Map.of()));
        run(plan(agents, spec(BLOG, 3)).add().stream().filter(a -> true).toList(), InstanceState.READY);
        assignments.replaceAll(a -> new Assignment(a.instance(), "a2", a.release(), a.generation(), a.created(),
                a.volumes())); // all of blog on a2
        Plan plan = plan(agents, spec(BLOG, 3), spec(SHOP, 2));
        assertThat(plan.add()).extracting(Assignment::agent).containsExactlyInAnyOrder("a1", "a2");
    }

    @Test
    void tiesAreBrokenByLoadNotById() {
        // a dead host's two replacements: a1 (first by id) carries 3 instances, a2 and a3 one each
        List<AgentInfo> agents = List.of(agent("a1", 8192, Map.of()), agent("a2", 8192, Map.of()),
                agent("a3", 8192, Map.of()));
        List<Assignment> blog = plan(List.of(agents.get(0)), spec(BLOG, 3)).add();
        run(blog, InstanceState.READY);
        AppId other = AppId.parse("carol/wiki");
        run(List.of(new Assignment("carol.wiki.1.web.1.aaaaaa", "a2", release(other, 1), 0, NOW, List.of()),
                new Assignment("carol.wiki.1.web.2.bbbbbb", "a3", release(other, 1), 0, NOW, List.of())),
                InstanceState.READY);
        Plan plan = plan(agents, spec(BLOG, 3), spec(other, 2), spec(SHOP, 2));
        assertThat(plan.add()).extracting(Assignment::agent).containsExactlyInAnyOrder("a2", "a3");
    }

    @Test
    void constraintsKeepAnAppOnAgentsWithTheLabels() {
        List<AgentInfo> agents = List.of(agent("a1", 8192, Map.of("zone", "a")), agent("a2", 8192, Map.of("zone", "b")),
                agent("a3", 8192, Map.of("zone", "a", "disk", "ssd")));
        constraints = Map.of(SHOP, Map.of("zone", "a"));
        assertThat(plan(agents, spec(SHOP, 4)).add()).extracting(Assignment::agent)
                .containsExactlyInAnyOrder("a1", "a3", "a1", "a3");
        constraints = Map.of(SHOP, Map.of("zone", "c"));
        Plan none = plan(agents, spec(SHOP, 1));
        assertThat(none.add()).isEmpty();
        assertThat(none.unplaced()).singleElement().satisfies(u -> assertThat(u.reason()).isEqualTo(
                "no agent can fit this: a1 lacks zone=c (has zone=a); a2 lacks zone=c (has zone=b); "
                        + "a3 lacks zone=c (has disk=ssd,zone=a)"));
    }

    @Test
    void instancesOnAnAgentANewConstraintExcludesMoveRolling() {
        List<AgentInfo> agents = List.of(agent("a1", 8192, Map.of("zone", "a")), agent("a2", 8192, Map.of("zone", "b")));
        List<Assignment> first = plan(agents, spec(SHOP, 2)).add();
        run(first, InstanceState.READY);
        constraints = Map.of(SHOP, Map.of("zone", "a"));
        Plan moving = plan(agents, spec(SHOP, 2));
        assertThat(moving.add()).singleElement().extracting(Assignment::agent).isEqualTo("a1");
        assertThat(moving.remove()).as("not before its replacement is ready").isEmpty();
        run(moving.add(), InstanceState.READY);
        assertThat(plan(agents, spec(SHOP, 2)).remove()).singleElement().extracting(Assignment::agent)
                .isEqualTo("a2");
    }

    @Test
    void aDrainingAgentsInstancesAreReplacedElsewhereFirstThenWithdrawn() {
        List<AgentInfo> agents = List.of(agent("a1", 8192, Map.of()), agent("a2", 8192, Map.of()));
        List<Assignment> first = plan(agents, spec(SHOP, 2)).add();
        run(first, InstanceState.READY);
        Assignment onA1 = first.stream().filter(a -> a.agent().equals("a1")).findFirst().orElseThrow();
        draining = Set.of("a1");

        Plan moving = plan(agents, spec(SHOP, 2));
        assertThat(moving.add()).singleElement().extracting(Assignment::agent).isEqualTo("a2");
        assertThat(moving.remove()).as("the old one serves until its replacement is ready").isEmpty();

        run(moving.add(), InstanceState.STARTING);
        assertThat(plan(agents, spec(SHOP, 2)).isEmpty()).isTrue();

        Assignment moved = moving.add().get(0);
        instances.put(moved.instance(), new InstanceStatus(moved.instance(), SHOP, 1, "a2", "h", 1, 1,
                InstanceState.READY, NOW, 0, null, null));
        Plan done = plan(agents, spec(SHOP, 2));
        assertThat(done.remove()).containsExactly(onA1);
        assertThat(done.add()).isEmpty();
        assertThat(plan(agents, spec(BLOG, 1)).add()).extracting(Assignment::agent).containsOnly("a2");
    }

    @Test
    void aPinnedAppStaysOnItsDrainingAgentAndNewInstancesOfItAreUnplacedWithWhy() {
        List<AgentInfo> agents = List.of(agent("a1", 8192, Map.of()), agent("a2", 8192, Map.of()));
        AppSpec pinned = AppSpec.create(SHOP, NOW).withRelease(1, NOW).withInstances(1, NOW)
                .withVolumes(List.of(new Volume("data", "a1", NOW)), NOW);
        Map<AppId, Release> wanted = Map.of(SHOP, release(SHOP, 1));
        Assignment there = Planner.plan(new ClusterView(List.of(pinned), wanted, agents, assignments, instances), NOW)
                .add().get(0);
        run(List.of(there), InstanceState.READY);
        draining = Set.of("a1");
        assertThat(plan(agents, pinned).isEmpty()).as("it keeps running where its data is").isTrue();
        Plan more = plan(agents, pinned.withInstances(2, NOW));
        assertThat(more.add()).isEmpty();
        assertThat(more.unplaced()).singleElement().satisfies(u -> assertThat(u.reason())
                .isEqualTo("its volumes are on agent a1, which is draining"));
    }

    @Test
    void anAgentAtItsInstanceCapacityGetsNoMore() {
        List<AgentInfo> agents = List.of(new AgentInfo("a1", "h", 1, "t", NOW));
        Plan plan = plan(agents, spec(SHOP, 2));
        assertThat(plan.add()).hasSize(1);
        assertThat(plan.unplaced()).singleElement().satisfies(u -> assertThat(u.reason())
                .isEqualTo("no agent can fit this: a1 is full (1 of 1 instances)"));
    }
}
