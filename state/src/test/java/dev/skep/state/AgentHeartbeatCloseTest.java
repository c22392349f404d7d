package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent stopped while ZooKeeper is unreachable: its heartbeat's close does not hold the stop up. */
class AgentHeartbeatCloseTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;
    StateConnection connection;

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCutOffHeartbeatClosesAtOnceAndItsNodeIsNotMadeAgainWhenZooKeeperIsBack() throws Exception {
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        String connect = server.connectString();
        connection = StateConnection.open(connect, Duration.ofSeconds(20), Duration.ofSeconds(10));
        AgentHeartbeat heartbeat = new AgentHeartbeat(connection.client(), "a1", Duration.ofMillis(200), 0);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> connection.client().checkExists().forPath(Paths.heartbeat("a1")) != null);

        server.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !connection.client().getZookeeperClient().isConnected());
        long begun = System.nanoTime();
        heartbeat.close();
        assertThat(Duration.ofNanos(System.nanoTime() - begun)).as("its delete retried for 24 s before")
                .isLessThan(Duration.ofSeconds(2));

        // back within the session: the closed node must not come back with it
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1",
                Integer.parseInt(connect.substring(connect.lastIndexOf(':') + 1))));
        await().atMost(Duration.ofSeconds(15)).until(() -> connection.client().getZookeeperClient().isConnected());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> connection.client().checkExists().forPath(Paths.heartbeat("a1")) == null);
        Thread.sleep(1_000); // several beat intervals
        assertThat(connection.client().checkExists().forPath(Paths.heartbeat("a1"))).isNull();
    }
}
