package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.deploy.release.RolloutRecovery;
import dev.skep.model.AppId;
import dev.skep.model.RolloutOwners;
import dev.skep.model.AppSpec;
import dev.skep.model.Event;
import dev.skep.model.EventTypes;
import dev.skep.model.Release;
import dev.skep.state.EmbeddedZooKeeper;
import dev.skep.state.StateConnection;
import dev.skep.state.ZkClusterState;
import dev.skep.state.ZkRolloutOwners;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may recover a rollout, on a real ZooKeeper: two controllers, each with its own (leadership) connection and
 * claims. The leader leaves a rollout another live controller claims alone, and recovers one whose controller is
 * gone (its session closed, its claim with it).
 */
class RolloutOwnershipTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;
    StateConnection leaderConnection;
    StateConnection otherConnection;
    ZkClusterState state;
    final AppId shop = AppId.parse("alice/shop");
    final List<Event> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        leaderConnection = StateConnection.open(server.connectString(), Duration.ofSeconds(3), Duration.ofSeconds(10));
        otherConnection = StateConnection.open(server.connectString(), Duration.ofSeconds(3), Duration.ofSeconds(10));
        state = new ZkClusterState(leaderConnection.client(), Clock.systemUTC());
        state.createApp(shop);
        state.addRelease(shop, this::release);
        state.updateApp(shop, spec -> spec.withRelease(1, Instant.now()));
        state.addRelease(shop, this::release); // release 2: the one being rolled out
    }

    @AfterEach
    void stop() {
        state.close();
        otherConnection.close();
        leaderConnection.close();
        server.close();
    }

    private Release release(int n) {
        return new Release(shop, n, "abc", "alice.shop.abc", List.of("node", "server.js"), Map.of(), Instant.now(),
                "alice", "deploy");
    }

    private int recoverOnTheLeader() {
        return RolloutRecovery.recover(state, new ZkRolloutOwners(leaderConnection.client(), "c1"), events::add,
                Clock.systemUTC());
    }

    @Test
    void aRolloutAnotherLiveControllerClaimsIsLeftAlone() throws Exception {
        ZkRolloutOwners other = new ZkRolloutOwners(otherConnection.client(), "c2");
        try (AutoCloseable claim = other.claim(shop)) {
            state.updateApp(shop, spec -> spec.withCandidate(2, Instant.now()));
            assertThat(recoverOnTheLeader()).isZero();
            assertThat(state.app(shop).orElseThrow().candidate()).isEqualTo(2);
            assertThat(state.release(shop, 2)).isPresent();
            assertThat(events).isEmpty();
        }
    }

    @Test
    void aRolloutWhoseControllerIsGoneIsDroppedAndItsHalfReleaseDeleted() throws Exception {
        ZkRolloutOwners other = new ZkRolloutOwners(otherConnection.client(), "c2");
        other.claim(shop); // never released: the controller dies during the rollout
        state.updateApp(shop, spec -> spec.withCandidate(2, Instant.now()));
        assertThat(recoverOnTheLeader()).isZero();

        otherConnection.close(); // its session ends, and its claim with it
        assertThat(recoverOnTheLeader()).isEqualTo(1);
        assertThat(state.app(shop).orElseThrow().candidate()).isZero();
        assertThat(state.app(shop).orElseThrow().release()).as("the serving release stays").isEqualTo(1);
        assertThat(state.release(shop, 2)).as("the half release").isEmpty();
        assertThat(events).singleElement().satisfies(e -> assertThat(e.message())
                .isEqualTo("interrupted: the controller running the rollout stopped during it"));
    }

    @Test
    void aClaimEndsWithItsRolloutAndAReplacingRolloutKeepsItsOwn() throws Exception {
        ZkRolloutOwners other = new ZkRolloutOwners(otherConnection.client(), "c2");
        AutoCloseable first = other.claim(shop);
        AutoCloseable second = other.claim(shop); // a second deploy of the same app, replacing the first
        first.close();
        assertThat(other.owned(shop)).isTrue();
        second.close();
        assertThat(other.owned(shop)).isFalse();
    }

    @Test
    void aProbationWhoseControllerIsGoneEndsAndItsReleaseStays() throws Exception {
        state.updateApp(shop, spec -> spec.withRelease(2, Instant.now()).withWarm(1, Instant.now()));
        ZkRolloutOwners other = new ZkRolloutOwners(otherConnection.client(), "c2");
        try (AutoCloseable claim = other.claim(shop)) {
            assertThat(recoverOnTheLeader()).isZero();
            assertThat(state.app(shop).orElseThrow().warm()).isEqualTo(1);
        }
        assertThat(recoverOnTheLeader()).isEqualTo(1);
        assertThat(state.app(shop).orElseThrow().warm()).isZero();
        assertThat(state.app(shop).orElseThrow().release()).isEqualTo(2);
        // the deploy's outcome reaches the event stream, which had only its start
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventTypes.DEPLOY_SUCCEEDED);
            assertThat(e.release()).isEqualTo(2);
            assertThat(e.message()).isEqualTo("release 2 is live: its probation was cut short (the controller running "
                    + "it stopped), release 1 stopped");
        });
    }

    @Test
    void aListingThatLagsTheStateDropsOnlyWhatTheStateStillHolds() {
        // the janitor lists apps from the cache: one listed with a candidate whose rollout has ended since
        AppSpec listed = state.updateApp(shop, spec -> spec.withCandidate(2, Instant.now()));
        state.updateApp(shop, spec -> spec.withRelease(2, Instant.now()).withCandidate(0, Instant.now()));

        assertThat(RolloutRecovery.recover(List.of(listed), state, RolloutOwners.none(), events::add,
                Clock.systemUTC())).isZero();
        assertThat(state.app(shop).orElseThrow().release()).isEqualTo(2);
        assertThat(state.release(shop, 2)).as("the release the listing calls a candidate is live now").isPresent();
        assertThat(events).isEmpty();

        // and one whose rollout is still in the state, unclaimed: dropped as from a fresh read
        AppSpec again = state.updateApp(shop, spec -> spec.withCandidate(3, Instant.now()));
        state.addRelease(shop, this::release);
        assertThat(RolloutRecovery.recover(List.of(again), state, RolloutOwners.none(), events::add,
                Clock.systemUTC())).isEqualTo(1);
        assertThat(state.app(shop).orElseThrow().candidate()).isZero();
        assertThat(state.release(shop, 3)).isEmpty();
    }
}
