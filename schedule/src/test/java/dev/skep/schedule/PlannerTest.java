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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {

    static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");
    static final AppId SHOP = AppId.parse("alice/shop");
    static final List<AgentInfo> AGENTS = List.of(new AgentInfo("a1", "10.0.0.1", 100, "t", NOW),
            new AgentInfo("a2", "10.0.0.2", 100, "t", NOW));

    final List<Assignment> assignments = new ArrayList<>();
    final Map<String, InstanceStatus> instances = new HashMap<>();

    static Release release(int n) {
        return new Release(SHOP, n, "sha", "alice.shop.sha", List.of("node", "server.js"), Map.of(), NOW, "alice", "");
    }

    static AppSpec spec(int release, int count) {
        return AppSpec.create(SHOP, NOW).withRelease(release, NOW).withInstances(count, NOW);
    }

    Plan plan(AppSpec spec, Release wanted) {
        return Planner.plan(new ClusterView(List.of(spec), wanted == null ? Map.of() : Map.of(SHOP, wanted), AGENTS,
                assignments, instances), NOW);
    }

    void run(Assignment a, InstanceState state) {
        assignments.add(a);
        instances.put(a.instance(), new InstanceStatus(a.instance(), SHOP, a.release().number(), a.agent(), "h", 1,
                1, state, NOW, 0, null, null));
    }

    @Test
    void spreadsNewInstancesOverTheLeastLoadedAgents() {
        Plan plan = plan(spec(1, 3), release(1));
        assertThat(plan.add()).hasSize(3).extracting(Assignment::agent).containsExactlyInAnyOrder("a1", "a2", "a1");
        assertThat(plan.remove()).isEmpty();
    }

    @Test
    void keepsTheOldReleaseUntilTheNewOneIsReady() {
        Assignment old = Planner.plan(new ClusterView(List.of(spec(1, 1)), Map.of(SHOP, release(1)), AGENTS,
                List.of(), Map.of()), NOW).add().get(0);
        run(old, InstanceState.READY);

        Plan starting = plan(spec(2, 1), release(2));
        assertThat(starting.add()).singleElement().extracting(a -> a.release().number()).isEqualTo(2);
        assertThat(starting.remove()).isEmpty();

        run(starting.add().get(0), InstanceState.STARTING);
        assertThat(plan(spec(2, 1), release(2)).isEmpty()).isTrue();

        instances.put(starting.add().get(0).instance(), new InstanceStatus(starting.add().get(0).instance(), SHOP, 2,
                "a1", "h", 2, 2, InstanceState.READY, NOW, 0, null, null));
        assertThat(plan(spec(2, 1), release(2)).remove()).containsExactly(old);
    }

    @Test
    void aReleaseKeptWarmStaysUntilTheProbationEnds() {
        Assignment old = Planner.plan(new ClusterView(List.of(spec(1, 1)), Map.of(SHOP, release(1)), AGENTS,
                List.of(), Map.of()), NOW).add().get(0);
        run(old, InstanceState.READY);
        Assignment fresh = plan(spec(2, 1), release(2)).add().get(0);
        run(fresh, InstanceState.READY);

        AppSpec inProbation = spec(2, 1).withWarm(1, NOW);
        assertThat(plan(inProbation, release(2)).isEmpty()).isTrue();
        assertThat(plan(inProbation.withWarm(0, NOW), release(2)).remove()).containsExactly(old);
        assertThat(plan(inProbation.withRunning(false, NOW), release(2)).remove())
                .as("a stop stops the warm ones too").containsExactlyInAnyOrder(old, fresh);
    }

    @Test
    void onlyTheWebInstancesOfAReleaseKeptWarmStayItsWorkersGoOnceTheNewOnesAreReady() {
        AppSpec first = spec(1, 1);
        Plan one = plan(first, withWorker(1, true));
        one.add().forEach(a -> run(a, InstanceState.READY));
        AppSpec starting = spec(2, 1).withWarm(1, NOW);
        Plan two = plan(starting, withWorker(2, true));
        assertThat(two.remove()).as("nothing goes before the new release is ready").isEmpty();
        two.add().forEach(a -> run(a, InstanceState.READY));

        Plan inProbation = plan(starting, withWorker(2, true));
        assertThat(inProbation.remove()).as("the old worker: two would do the same work")
                .singleElement().satisfies(a -> {
                    assertThat(a.type()).isEqualTo("worker");
                    assertThat(a.release().number()).isEqualTo(1);
                });
        assertThat(inProbation.add()).isEmpty();
    }

    @Test
    void aSwitchBackFromProbationStartsTheOldReleasesWorkersAgain() {
        Plan one = plan(spec(1, 1), withWorker(1, true));
        one.add().forEach(a -> run(a, InstanceState.READY));
        Assignment oldWorker = one.add().stream().filter(a -> a.type().equals("worker")).findFirst().orElseThrow();
        assignments.remove(oldWorker); // gone during release 2's probation
        instances.remove(oldWorker.instance());

        Plan back = plan(spec(1, 1), withWorker(1, true));
        assertThat(back.add()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo("worker");
            assertThat(a.release().number()).isEqualTo(1);
        });
    }

    @Test
    void scalingDownWithdrawsNotReadyInstancesFirst() {
        Plan first = plan(spec(1, 3), release(1));
        run(first.add().get(0), InstanceState.READY);
        run(first.add().get(1), InstanceState.BACKOFF);
        run(first.add().get(2), InstanceState.READY);
        Plan down = plan(spec(1, 2), release(1));
        assertThat(down.remove()).containsExactly(first.add().get(1));
        assertThat(down.add()).isEmpty();
    }

    @Test
    void aStoppedAppHasNoInstances() {
        Plan first = plan(spec(1, 2), release(1));
        first.add().forEach(a -> run(a, InstanceState.READY));
        Plan stop = plan(spec(1, 2).withRunning(false, NOW), release(1));
        assertThat(stop.remove()).hasSize(2);
    }

    @Test
    void aRestartReplacesInstancesOfTheOldGeneration() {
        Assignment a = plan(spec(1, 1), release(1)).add().get(0);
        run(a, InstanceState.READY);
        Plan restart = plan(spec(1, 1).restarted(NOW), release(1));
        assertThat(restart.add()).singleElement().extracting(Assignment::generation).isEqualTo(1L);
        assertThat(restart.remove()).isEmpty();
    }

    @Test
    void assignmentsOfDeletedAppsAreWithdrawn() {
        Assignment a = plan(spec(1, 1), release(1)).add().get(0);
        run(a, InstanceState.READY);
        Plan plan = Planner.plan(new ClusterView(List.of(), Map.of(), AGENTS, assignments, instances), NOW);
        assertThat(plan.remove()).containsExactly(a);
    }

    @Test
    void withNoLiveAgentNothingIsPlaced() {
        Plan plan = Planner.plan(new ClusterView(List.of(spec(1, 2)), Map.of(SHOP, release(1)), List.of(),
                List.of(), Map.of()), NOW);
        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void instancesOfAnAgentGoneLongerThanTheGraceArePlacedOnTheLiveOnes() {
        Assignment onA1 = new Assignment("alice.shop.1.aaaaaa", "a1", release(1), 0, NOW);
        Assignment onGone = new Assignment("alice.shop.1.bbbbbb", "a3", release(1), 0, NOW);
        run(onA1, InstanceState.READY);
        assignments.add(onGone); // its agent died: no instance status any more
        Duration grace = Duration.ofSeconds(30);

        Plan within = Planner.plan(new ClusterView(List.of(spec(1, 2)), Map.of(SHOP, release(1)), AGENTS,
                assignments, instances, Map.of("a3", NOW.minusSeconds(29)), grace), NOW);
        assertThat(within.isEmpty()).as("an agent may come back within the grace").isTrue();

        Plan after = Planner.plan(new ClusterView(List.of(spec(1, 2)), Map.of(SHOP, release(1)), AGENTS,
                assignments, instances, Map.of("a3", NOW.minusSeconds(30)), grace), NOW);
        assertThat(after.remove()).containsExactly(onGone);
        assertThat(after.add()).singleElement().satisfies(a -> {
            assertThat(a.agent()).isEqualTo("a2");
            assertThat(a.release()).isEqualTo(release(1));
        });
    }

    static Release withWorker(int n, boolean web) {
        return new Release(SHOP, n, "sha", "alice.shop.sha", web ? List.of("node", "server.js") : List.of(), Map.of(),
                NOW, "alice", "", Map.of("worker", List.of("node", "worker.js")), List.of());
    }

    @Test
    void runsOneOfEachProcessTypeByDefaultNamedByTypeAndNumber() {
        Plan plan = plan(spec(1, 2), withWorker(1, true));
        assertThat(plan.add()).extracting(a -> InstanceIds.process(a.instance()))
                .containsExactlyInAnyOrder("web.1", "web.2", "worker.1");
        assertThat(plan.add()).filteredOn(a -> a.type().equals("worker")).singleElement()
                .extracting(Assignment::command).isEqualTo(List.of("node", "worker.js"));
    }

    @Test
    void scalesEachTypeOnItsOwn() {
        AppSpec spec = spec(1, 1).withCounts(Map.of("web", 2, "worker", 0), NOW);
        assertThat(spec.count("worker")).isZero();
        assertThat(plan(spec, withWorker(1, true)).add()).extracting(Assignment::type).containsExactly("web", "web");

        Plan three = plan(spec(1, 1).withCounts(Map.of("worker", 3), NOW), withWorker(1, true));
        assertThat(three.add()).extracting(Assignment::type).containsExactlyInAnyOrder("web", "worker", "worker",
                "worker");
        three.add().forEach(a -> run(a, InstanceState.READY));
        Plan down = plan(spec(1, 1).withCounts(Map.of("worker", 1), NOW), withWorker(1, true));
        assertThat(down.remove()).hasSize(2).allMatch(a -> a.type().equals("worker"));
        assertThat(down.add()).isEmpty();
    }

    @Test
    void aReplacementTakesTheLowestFreeNumber() {
        Plan plan = plan(spec(1, 0).withCounts(Map.of("worker", 2), NOW), withWorker(1, true));
        plan.add().forEach(a -> run(a, InstanceState.READY));
        Assignment first = plan.add().stream().filter(a -> a.instance().contains(".worker.1.")).findFirst().orElseThrow();
        assignments.remove(first);
        instances.remove(first.instance());
        assertThat(plan(spec(1, 0).withCounts(Map.of("worker", 2), NOW), withWorker(1, true)).add())
                .singleElement().extracting(a -> InstanceIds.process(a.instance())).isEqualTo("worker.1");
    }

    @Test
    void aWorkerOnlyReleaseRunsNoWebAndRetiresTheOldOnesOnceItsWorkersAreReady() {
        Assignment oldWeb = plan(spec(1, 1), release(1)).add().get(0);
        run(oldWeb, InstanceState.READY);
        Plan plan = plan(spec(2, 1), withWorker(2, false));
        assertThat(plan.add()).singleElement().extracting(Assignment::type).isEqualTo("worker");
        assertThat(plan.remove()).isEmpty();
        run(plan.add().get(0), InstanceState.READY);
        assertThat(plan(spec(2, 1), withWorker(2, false)).remove()).containsExactly(oldWeb);
    }

    @Test
    void anOldSpecWithInstancesReadsAsThatManyWeb() {
        AppSpec old = new AppSpec(SHOP, 1, 0, 3, true, Map.of(), List.of(), 0, NOW, 0, (Map<String, Integer>) null);
        assertThat(old.count("web")).isEqualTo(3);
        assertThat(old.count("worker")).isEqualTo(1);
        assertThat(InstanceIds.type("alice.shop.3.a1b2c3")).isEqualTo("web");
        assertThat(InstanceIds.process("alice.shop.3.worker.2.a1b2c3")).isEqualTo("worker.2");
    }

    @Test
    void anAppWithVolumesRunsOnlyOnTheAgentThatHoldsThem() {
        AppSpec pinned = spec(1, 3).withVolumes(List.of(new Volume("data", "a2", NOW)), NOW);
        Plan plan = plan(pinned, release(1));
        assertThat(plan.add()).hasSize(3).extracting(Assignment::agent).containsOnly("a2");
        assertThat(plan.add()).extracting(Assignment::volumes).containsOnly(List.of("data"));
    }

    @Test
    void addingAVolumeReplacesTheInstancesRollingAndMovesThemToItsAgent() {
        Assignment onA1 = Planner.plan(new ClusterView(List.of(spec(1, 1)), Map.of(SHOP, release(1)), AGENTS,
                List.of(), Map.of()), NOW).add().get(0);
        assertThat(onA1.agent()).isEqualTo("a1");
        run(onA1, InstanceState.READY);
        AppSpec pinned = spec(1, 1).withVolumes(List.of(new Volume("data", "a2", NOW)), NOW);

        Plan first = plan(pinned, release(1));
        assertThat(first.add()).singleElement().satisfies(a -> {
            assertThat(a.agent()).isEqualTo("a2");
            assertThat(a.volumes()).containsExactly("data");
        });
        assertThat(first.remove()).as("the old one serves until the new one is ready").isEmpty();

        run(first.add().get(0), InstanceState.READY);
        assertThat(plan(pinned, release(1)).remove()).containsExactly(onA1);
    }

    @Test
    void nothingIsPlacedWhileTheVolumesAgentIsGone() {
        AppSpec pinned = spec(1, 2).withVolumes(List.of(new Volume("data", "a9", NOW)), NOW);
        assertThat(plan(pinned, release(1)).add()).isEmpty();
    }

    @Test
    void everyProcessTypeOfAnAppWithVolumesRunsOnTheVolumesAgent() {
        AppSpec pinned = spec(1, 2).withVolumes(List.of(new Volume("data", "a2", NOW)), NOW);
        Plan plan = plan(pinned, withWorker(1, true));
        assertThat(plan.add()).extracting(Assignment::type).containsExactlyInAnyOrder("web", "web", "worker");
        assertThat(plan.add()).extracting(Assignment::agent).containsOnly("a2");
        assertThat(plan.add()).extracting(Assignment::volumes).containsOnly(List.of("data"));
    }
}
