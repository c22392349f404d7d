package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ZooKeeper session ends (a pause longer than the session timeout, a lost quorum): the server deletes the
 * session's ephemeral nodes, and this process must put them back with their last data on its new session.
 * The expiry here is the server's own: a second handle on the same session closes it.
 */
class SessionExpiryTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;
    StateConnection connection;
    ZkClusterState state;
    final AppId shop = AppId.parse("alice/shop");

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        connection = StateConnection.open(server.connectString(), Duration.ofSeconds(4), Duration.ofSeconds(10));
        state = new ZkClusterState(connection.client(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        state.close();
        connection.close();
        server.close();
    }

    /** Ends this process's session on the server, as its timeout would; returns the old session id. */
    private long expireSession() throws Exception {
        ZooKeeper mine = connection.client().getZookeeperClient().getZooKeeper();
        long id = mine.getSessionId();
        ZooKeeper twin = new ZooKeeper(server.connectString(), 4_000, event -> { }, id, mine.getSessionPasswd());
        await().atMost(Duration.ofSeconds(5)).until(() -> twin.getState().isConnected());
        twin.close(); // the server closes the session: its ephemeral nodes go, the first handle hears "expired"
        return id;
    }

    private long sessionId() throws Exception {
        return connection.client().getZookeeperClient().getZooKeeper().getSessionId();
    }

    private InstanceStatus ready(String id) {
        return in(id, InstanceState.READY);
    }

    private InstanceStatus in(String id, InstanceState phase) {
        return new InstanceStatus(id, shop, 1, "agent-1", "127.0.0.1", 20000, 42, phase, Instant.now(), 0, null, null);
    }

    @Test
    void anAgentAndItsInstanceAreBackWithTheirLastStatusAfterTheSessionExpires() throws Exception {
        String id = InstanceIds.next(shop, 1);
        state.registerAgent(new AgentInfo("agent-1", "127.0.0.1", 100, "test", Instant.now()));
        state.putInstance(ready(id));
        state.putInstance(in(id, InstanceState.UNHEALTHY));
        state.reportRoutesApplied("router-1", 7);
        long before = expireSession();

        // the cache can still hold the old session's nodes for a moment: wait for the server's own nodes to be
        // owned by the new session, then for the cache to show them
        await().atMost(Duration.ofSeconds(20)).until(() -> sessionId() != before
                && ownedByThisSession(Paths.instance(id)) && ownedByThisSession(Paths.agent("agent-1")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(state.instances()).singleElement()
                    .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.UNHEALTHY));
            assertThat(state.agents()).singleElement().satisfies(a -> assertThat(a.id()).isEqualTo("agent-1"));
            assertThat(state.routesApplied()).isEqualTo(Map.of("router-1", 7L));
        });
    }

    private boolean ownedByThisSession(String path) throws Exception {
        Stat stat = connection.client().checkExists().forPath(path);
        return stat != null && stat.getEphemeralOwner() == sessionId();
    }

    @Test
    void aWriteWhileTheSessionIsGoneLandsOnTheNewSession() throws Exception {
        String id = InstanceIds.next(shop, 1);
        state.putInstance(ready(id));
        long before = expireSession();
        state.putInstance(in(id, InstanceState.STOPPING));
        await().atMost(Duration.ofSeconds(20)).until(() -> sessionId() != before && state.instances().stream()
                .anyMatch(i -> i.state() == InstanceState.STOPPING));
    }

    @Test
    void aRemovedInstanceIsNotRecreatedByALaterSession() throws Exception {
        String gone = InstanceIds.next(shop, 1);
        String kept = InstanceIds.next(shop, 1);
        state.putInstance(ready(gone));
        state.putInstance(ready(kept));
        state.removeInstance(gone);
        long before = expireSession();
        await().atMost(Duration.ofSeconds(20)).until(() -> sessionId() != before && state.instances().size() == 1);
        Thread.sleep(500); // a late re-creation would show by now
        assertThat(state.instances()).extracting(InstanceStatus::instance).containsExactly(kept);
    }

    @Test
    void aNodeLeftByADeadSessionIsReplacedAtOnce() throws Exception {
        String id = InstanceIds.next(shop, 1);
        // a previous process of this agent: its session is open, but it will never write again
        try (StateConnection previous = StateConnection.open(server.connectString(), Duration.ofSeconds(30),
                Duration.ofSeconds(10))) {
            previous.client().create().withMode(CreateMode.EPHEMERAL)
                    .forPath(Paths.instance(id), Json.write(in(id, InstanceState.STARTING)));
            state.putInstance(ready(id));
            assertThat(state.instances()).singleElement()
                    .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.READY));
            assertThat(connection.client().checkExists().forPath(Paths.instance(id)).getEphemeralOwner())
                    .isEqualTo(sessionId());
        }
    }

    @Test
    void listenersHearTheReconnectSoLoopsReadAgain() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        state.onChange(changes::incrementAndGet);
        Thread.sleep(300); // the start-up's own notifications are done
        changes.set(0);
        long before = expireSession(); // no node of ours changes: only the reconnect can tell the listeners
        await().atMost(Duration.ofSeconds(20)).until(() -> sessionId() != before && changes.get() > 0);
    }
}
