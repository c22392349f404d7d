package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.ClusterSnapshot;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.PlacementSettings;
import dev.skep.model.Release;
import dev.skep.model.RouterEndpoint;
import dev.skep.model.SkepException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZkClusterStateTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;
    StateConnection connection;
    ZkClusterState state;
    final AppId shop = AppId.parse("alice/shop");

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        connect();
    }

    private void connect() {
        connection = StateConnection.open(server.connectString(), Duration.ofSeconds(5), Duration.ofSeconds(10));
        state = new ZkClusterState(connection.client(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        state.close();
        connection.close();
        server.close();
    }

    private Release release(int n) {
        return new Release(shop, n, "abc", "alice.shop.abc", List.of("node", "server.js"), Map.of("K", "v"),
                Instant.now(), "alice", "deploy");
    }

    @Test
    void releasesAreNumberedOneUpAndListedNewestFirst() {
        state.createApp(shop);
        state.addRelease(shop, this::release);
        state.addRelease(shop, this::release);
        assertThat(state.releases(shop)).extracting(Release::number).containsExactly(2, 1);
        assertThat(state.release(shop, 2)).get().extracting(Release::env).isEqualTo(Map.of("K", "v"));
    }

    /**
     * An update starts from the cache's copy, which lags behind a write by another connection (another controller):
     * the version check catches it, and every change is applied to the spec as ZooKeeper has it, none lost.
     */
    @Test
    void updatesStartingFromALaggingCacheLoseNoOtherWriterChange() throws Exception {
        state.createApp(shop);
        StateConnection other = StateConnection.open(server.connectString(), Duration.ofSeconds(5),
                Duration.ofSeconds(10));
        try (ZkClusterState otherState = new ZkClusterState(other.client(), Clock.systemUTC())) {
            for (int i = 1; i <= 40; i++) {
                otherState.updateApp(shop, spec -> spec.withInstances(spec.instances() + 1, Instant.now()));
                // at once: this state's cache has most likely not heard of that write yet
                AppSpec mine = state.updateApp(shop, spec -> spec.withInstances(spec.instances() + 1, Instant.now()));
                assertThat(mine.instances()).as("round " + i).isEqualTo(1 + 2 * i);
            }
        } finally {
            other.close();
        }
        assertThat(state.app(shop)).get().extracting(AppSpec::instances).isEqualTo(81);
    }

    @Test
    void appIdsListEveryUsersAppsWithoutReadingThem() {
        AppId blog = AppId.parse("bob/blog");
        state.createApp(shop);
        state.createApp(blog);
        assertThat(state.appIds()).containsExactlyInAnyOrder(shop, blog);
        state.deleteApp(blog);
        assertThat(state.appIds()).containsExactly(shop);
    }

    @Test
    void aDeploysFirstWritesCreateTheAppWithItsReleaseAndLaterOnesAddTheNext() {
        Release first = state.addReleaseCreatingApp(shop, (spec, n) -> release(n));
        assertThat(first.number()).isEqualTo(1);
        assertThat(state.app(shop)).get().extracting(AppSpec::release).isEqualTo(0); // stored, not yet live
        Release second = state.addReleaseCreatingApp(shop, (spec, n) -> release(n));
        assertThat(second.number()).isEqualTo(2);
        assertThat(state.releases(shop)).extracting(Release::number).containsExactly(2, 1);
        // the user's first app: its parent node is made on the way
        AppId bobs = AppId.parse("bob/blog");
        assertThat(state.addReleaseCreatingApp(bobs, (spec, n) -> release(n)).number()).isEqualTo(1);
        assertThat(state.apps()).extracting(AppSpec::id).containsExactly(shop, bobs);
    }

    @Test
    void updateAppIsAtomicUnderConcurrentWriters() throws Exception {
        state.createApp(shop);
        Thread[] writers = new Thread[4];
        for (int i = 0; i < writers.length; i++) {
            writers[i] = Thread.ofVirtual().start(() -> {
                for (int k = 0; k < 10; k++) {
                    state.updateApp(shop, a -> a.withInstances(a.instances() + 1, Instant.now()));
                }
            });
        }
        for (Thread writer : writers) {
            writer.join();
        }
        assertThat(state.app(shop)).get().extracting(AppSpec::instances).isEqualTo(41);
    }

    @Test
    void snapshotsParseANodeOnceAndSeeEachChangeAndDelete() {
        state.createApp(shop);
        AppSpec first = await().atMost(Duration.ofSeconds(5)).until(() -> onlyApp(state.snapshot()), a -> a != null);
        assertThat(onlyApp(state.snapshot())).as("an unchanged node: the record parsed before").isSameAs(first);
        state.updateApp(shop, a -> a.withInstances(3, Instant.now()));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(onlyApp(state.snapshot())).extracting(AppSpec::instances).isEqualTo(3));
        state.deleteApp(shop);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(state.snapshot().apps()).isEmpty());
        state.createApp(shop); // the same path again: read afresh, not the deleted app's record
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(onlyApp(state.snapshot())).isNotNull().isNotSameAs(first)
                        .extracting(AppSpec::instances).isEqualTo(first.instances()));
    }

    @Test
    void snapshotsAndDrainedAgentsHoldEveryKindFromTheInitialLoadOnAndLoseWhatIsDeleted() throws Exception {
        AppId blog = AppId.parse("bob/blog");
        state.createApp(shop);
        state.createApp(blog);
        Release r = state.addRelease(shop, this::release);
        state.registerAgent(new AgentInfo("a1", "10.0.0.1", 10, "t", Instant.now()));
        Assignment placed = new Assignment(InstanceIds.next(shop, 1), "a1", r, 0, Instant.now());
        state.putAssignment(placed);
        state.putInstance(new InstanceStatus(placed.instance(), shop, 1, "a1", "10.0.0.1", 20000, 1,
                InstanceState.READY, Instant.now(), 0, null, null));
        new ZkAppDocuments(state.view()).put(blog, PlacementSettings.DOCUMENT, "{\"constraints\":{\"disk\":\"ssd\"}}");
        state.setDraining("a1", true);

        // another process's state, started on that tree: what its cache loads at its start is in its snapshots
        try (StateConnection other = StateConnection.open(server.connectString(), Duration.ofSeconds(5),
                Duration.ofSeconds(10)); ZkClusterState late = new ZkClusterState(other.client(), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                ClusterSnapshot now = late.snapshot();
                assertThat(now.apps()).extracting(a -> a.id().toString()).containsExactly("alice/shop", "bob/blog");
                assertThat(now.release(shop, 1)).contains(r);
                assertThat(now.agents()).extracting(AgentInfo::id).containsExactly("a1");
                assertThat(now.assignments()).containsExactly(placed);
                assertThat(now.instances()).extracting(InstanceStatus::instance).containsExactly(placed.instance());
                assertThat(late.documents(PlacementSettings.DOCUMENT, PlacementSettings.class))
                        .isEqualTo(Map.of(blog, new PlacementSettings(Map.of("disk", "ssd"))));
                assertThat(late.drainingAgents()).containsExactly("a1");
            });

            new ZkAppDocuments(state.view()).delete(blog, PlacementSettings.DOCUMENT);
            state.removeInstance(placed.instance());
            state.removeAssignment("a1", placed.instance());
            state.deleteApp(blog);
            state.setDraining("a1", false);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                ClusterSnapshot now = late.snapshot();
                assertThat(now.apps()).extracting(a -> a.id().toString()).containsExactly("alice/shop");
                assertThat(now.assignments()).isEmpty();
                assertThat(now.instances()).isEmpty();
                assertThat(late.documents(PlacementSettings.DOCUMENT, PlacementSettings.class)).isEmpty();
                assertThat(late.drainingAgents()).isEmpty();
            });
        }
    }

    private static AppSpec onlyApp(ClusterSnapshot snapshot) {
        return snapshot.apps().size() == 1 ? snapshot.apps().get(0) : null;
    }

    @Test
    void missingAppIsNotFound() {
        assertThatThrownBy(() -> state.updateApp(shop, a -> a))
                .isInstanceOfSatisfying(SkepException.class, e -> assertThat(e.kind()).isEqualTo(SkepException.Kind.NOT_FOUND));
    }

    @Test
    void deletingAnAppRemovesItsReleasesAndAssignments() {
        state.createApp(shop);
        Release r = state.addRelease(shop, this::release);
        state.putAssignment(new Assignment(InstanceIds.next(shop, 1), "local", r, 0, Instant.now()));
        state.deleteApp(shop);
        assertThat(state.apps()).isEmpty();
        assertThat(state.assignments()).isEmpty();
    }

    @Test
    void aPassOfAssignmentsIsWrittenInFewMultiOpsAndWhatCannotBatchIsWrittenAlone() throws Exception {
        state.createApp(shop);
        Release r = state.addRelease(shop, this::release);
        for (int agent = 0; agent < 3; agent++) { // each agent's parent node is there from its first assignment
            state.putAssignment(new Assignment(InstanceIds.next(shop, 1, "web", agent + 1), "a" + agent, r, 0,
                    Instant.now()));
        }
        List<Assignment> put = new ArrayList<>();
        for (int i = 1; i <= ZkAssignments.BATCH_OPS + 50; i++) {
            put.add(new Assignment(InstanceIds.next(shop, 1, "worker", i), "a" + (i % 3), r, 0, Instant.now()));
        }
        List<Assignment> heard = new ArrayList<>();

        state.writeAssignments(put, List.of(), heard::add);

        assertThat(heard).containsExactlyElementsOf(put);
        assertThat(transactionsThatMade(put)).as("one multi-op per batch").hasSize(2);

        // a batch that cannot be one multi-op: a node already there, a new agent's missing parent, a node gone
        Assignment rewritten = new Assignment(put.get(0).instance(), put.get(0).agent(), r, 1, Instant.now());
        Assignment newAgent = new Assignment(InstanceIds.next(shop, 1, "web", 9), "a9", r, 0, Instant.now());
        Assignment gone = new Assignment(InstanceIds.next(shop, 1, "web", 8), "a2", r, 0, Instant.now());
        heard.clear();

        state.writeAssignments(List.of(rewritten, newAgent), concat(put.subList(1, 11), List.of(gone)), heard::add);

        assertThat(heard).hasSize(13);
        assertThat(state.assignment(rewritten.agent(), rewritten.instance())).contains(rewritten);
        assertThat(state.assignment("a9", newAgent.instance())).contains(newAgent);
        assertThat(state.assignments()).hasSize(3 + put.size() + 1 - 10);
    }

    @Test
    void newAgentsFirstAssignmentsAreStillOneMultiOp() throws Exception {
        state.createApp(shop);
        Release r = state.addRelease(shop, this::release);
        List<Assignment> put = new ArrayList<>();
        for (int i = 1; i <= 30; i++) { // ten agents that hold nothing yet: none has its folder of assignments
            put.add(new Assignment(InstanceIds.next(shop, 1, "web", i), "fresh" + (i % 10), r, 0, Instant.now()));
        }
        List<Assignment> heard = new ArrayList<>();

        state.writeAssignments(put, List.of(), heard::add);

        assertThat(heard).containsExactlyElementsOf(put);
        assertThat(transactionsThatMade(put)).as("the folders made first, then one multi-op, not 30 writes alone")
                .hasSize(1);
        assertThat(state.assignments()).containsExactlyInAnyOrderElementsOf(put);
    }

    /** The transactions (zxids) that created these assignments' nodes. */
    private Set<Long> transactionsThatMade(List<Assignment> assignments) throws Exception {
        Set<Long> transactions = new HashSet<>();
        for (Assignment a : assignments) {
            transactions.add(connection.client().checkExists().forPath(Paths.assignment(a.agent(), a.instance()))
                    .getCzxid());
        }
        return transactions;
    }

    private static List<Assignment> concat(List<Assignment> a, List<Assignment> b) {
        List<Assignment> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void ephemeralInstancesVanishWithTheirSessionAndListenersHearIt() {
        AtomicInteger changes = new AtomicInteger();
        state.onChange(changes::incrementAndGet);
        String id = InstanceIds.next(shop, 1);
        state.registerAgent(new AgentInfo("local", "127.0.0.1", 100, "test", Instant.now()));
        state.putInstance(new InstanceStatus(id, shop, 1, "local", "127.0.0.1", 20000, 42, InstanceState.READY,
                Instant.now(), 0, null, null));
        assertThat(state.instances()).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() > 0);

        state.close();
        connection.close();
        connect();
        await().atMost(Duration.ofSeconds(20)).until(() -> state.instances().isEmpty() && state.agents().isEmpty());
    }

    @Test
    void oneAppsInstancesAreReadWithoutTheOthers() {
        AppId shop2 = AppId.parse("alice/shop-2");
        AppId bobs = AppId.parse("bob/shop");
        for (AppId app : List.of(shop, shop2, bobs)) {
            state.putInstance(new InstanceStatus(InstanceIds.next(app, 1), app, 1, "local", "127.0.0.1", 20000, 42,
                    InstanceState.READY, Instant.now(), 0, null, null));
        }
        assertThat(state.instances(shop)).singleElement().satisfies(i -> assertThat(i.app()).isEqualTo(shop));
        assertThat(state.instances(shop2)).singleElement().satisfies(i -> assertThat(i.app()).isEqualTo(shop2));
        assertThat(state.instances()).hasSize(3);
    }

    /**
     * What the deploys waiting on the change feed read: the watch-fed view, which has every change once the feed
     * has fired, without a round trip, one app's instances only (not those of an app whose id it prefixes).
     */
    @Test
    void theSeenViewsFollowTheStateWithoutReadingIt() {
        AppId shop2 = AppId.parse("alice/shop-2");
        state.createApp(shop);
        for (AppId app : List.of(shop, shop2)) {
            state.putInstance(new InstanceStatus(InstanceIds.next(app, 1), app, 1, "local", "127.0.0.1", 20000, 42,
                    InstanceState.STARTING, Instant.now(), 0, null, null));
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(state.instancesSeen(shop)).singleElement().satisfies(i -> assertThat(i.app()).isEqualTo(shop));
            assertThat(state.appSeen(shop)).get().isEqualTo(state.app(shop).orElseThrow());
        });
        assertThat(state.appSeen(AppId.parse("alice/none"))).isEmpty();

        String id = state.instancesSeen(shop).get(0).instance();
        state.putInstance(new InstanceStatus(id, shop, 1, "local", "127.0.0.1", 20000, 42, InstanceState.READY,
                Instant.now(), 0, null, null));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(state.instancesSeen(shop)).singleElement()
                    .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.READY));
        });
        state.removeInstance(id);
        await().atMost(Duration.ofSeconds(5)).until(() -> state.instancesSeen(shop).isEmpty());
        assertThat(state.instancesSeen(shop2)).hasSize(1);
    }

    @Test
    void routeEpochsCountUpAndRoutersReportsGoWithTheirSession() {
        long first = state.markRouteEpoch();
        long second = state.markRouteEpoch();
        assertThat(second).isEqualTo(first + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> state.routeEpochSeen() == second);

        state.reportRoutesApplied("node1-router", first);
        assertThat(state.routesApplied()).isEqualTo(Map.of("node1-router", first));
        state.reportRoutesApplied("node1-router", second);
        assertThat(state.routesApplied()).isEqualTo(Map.of("node1-router", second));
        assertThatThrownBy(() -> state.reportRoutesApplied("../agents", second))
                .isInstanceOf(IllegalArgumentException.class);

        state.close();
        connection.close();
        connect();
        await().atMost(Duration.ofSeconds(20)).until(() -> state.routesApplied().isEmpty());
        assertThat(state.markRouteEpoch()).as("the epoch is kept").isEqualTo(second + 1);
    }

    @Test
    void aSwitchWritesTheSpecAndItsRouteEpochTogether() throws Exception {
        state.createApp(shop);
        long before = state.markRouteEpoch();
        AppCatalog.Marked marked = state.updateAppMarkingRoutes(shop,
                spec -> spec.withRelease(3, Instant.now()));
        assertThat(marked.spec().release()).isEqualTo(3);
        assertThat(marked.routeEpoch()).as("the next epoch, written with the spec").isEqualTo(before + 1);
        assertThat(state.app(shop)).get().extracting(AppSpec::release).isEqualTo(3);
        assertThat(state.markRouteEpoch()).isEqualTo(before + 2);
        // one transaction: the spec and the epoch share its zxid, so no reader sees the epoch without the spec
        Stat spec = connection.client().checkExists().forPath(Paths.app(shop));
        state.updateAppMarkingRoutes(shop, s -> s.withRelease(4, Instant.now()));
        Stat specAfter = connection.client().checkExists().forPath(Paths.app(shop));
        Stat epochAfter = connection.client().checkExists().forPath(Paths.ROUTE_EPOCH);
        assertThat(specAfter.getMzxid()).isGreaterThan(spec.getMzxid()).isEqualTo(epochAfter.getMzxid());

        // a concurrent writer between the read and the write: read again, and the epoch still comes once
        AtomicInteger tries = new AtomicInteger();
        AppCatalog.Marked raced = state.updateAppMarkingRoutes(shop, s -> {
            if (tries.getAndIncrement() == 0) {
                state.updateApp(shop, other -> other.withInstances(5, Instant.now()));
            }
            return s.withRelease(5, Instant.now());
        });
        assertThat(tries.get()).isEqualTo(2);
        assertThat(raced.spec().instances()).as("the second try read the other writer's spec").isEqualTo(5);
        assertThat(raced.routeEpoch()).isEqualTo(before + 4);
        assertThatThrownBy(() -> state.updateAppMarkingRoutes(AppId.parse("alice/none"), s -> s))
                .isInstanceOf(SkepException.class);
    }

    @Test
    void routersRegisterWhereTheyTakeTrafficForAsLongAsTheirSessionLives() {
        assertThat(state.routers()).isEmpty();
        state.registerRouter(new RouterEndpoint("h2-8080", "10.0.0.8", 8080, -1));
        state.registerRouter(new RouterEndpoint("h1-8080", "10.0.0.7", 8080, 8443));
        state.registerRouter(new RouterEndpoint("h1-8080", "10.0.0.7", 8081, 8443)); // re-registered
        assertThat(state.routers()).containsExactly(new RouterEndpoint("h1-8080", "10.0.0.7", 8081, 8443),
                new RouterEndpoint("h2-8080", "10.0.0.8", 8080, -1));
        assertThatThrownBy(() -> state.registerRouter(new RouterEndpoint("../agents", "h", 1, -1)))
                .isInstanceOf(IllegalArgumentException.class);

        state.close();
        connection.close(); // the routers' session ends: an edge must stop sending them traffic
        connect();
        await().atMost(Duration.ofSeconds(20)).until(() -> state.routers().isEmpty());
    }

    @Test
    void stateSurvivesARestartOfTheEmbeddedServer() throws Exception {
        state.createApp(shop);
        state.addRelease(shop, this::release);
        stop();
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        connect();
        assertThat(state.releases(shop)).hasSize(1);
    }
}
