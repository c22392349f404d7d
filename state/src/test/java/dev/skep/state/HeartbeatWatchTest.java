package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skep.model.HostMemory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents' heartbeats as the leader sees them: one that stops beating while its session lives on (a host killed
 * outright, whose session ZooKeeper keeps for its timeout) is silent within the silence timeout, one that beats
 * is not; and a watcher cut off from ZooKeeper calls nobody silent and is not settled.
 */
class HeartbeatWatchTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;
    StateConnection connection;
    ZooKeeper frozen;
    AgentHeartbeat beating;
    HeartbeatWatch watch;

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        connection = StateConnection.open(server.connectString(), Duration.ofSeconds(4), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        if (watch != null) {
            watch.close();
        }
        if (beating != null) {
            beating.close();
        }
        if (frozen != null) {
            frozen.close();
        }
        connection.close();
        server.close();
    }

    /**
     * A killed host's session ends: its heartbeat node goes, and its agent node (another cache) a moment later or
     * sooner. The agent must stay silent across that moment, never "alive" again until it beats again.
     */
    @Test
    void anAgentWhoseHeartbeatNodeIsGoneStaysSilentUntilItBeatsAgain() throws Exception {
        watch = new HeartbeatWatch(connection.client(), Duration.ofSeconds(2)); // settled: connected a silence long
        beating = new AgentHeartbeat(connection.client(), "a3", Duration.ofMillis(100), 0);
        await().atMost(Duration.ofSeconds(5)).until(watch::settled);
        await().atMost(Duration.ofSeconds(5)).until(() -> connection.client().checkExists()
                .forPath(Paths.heartbeat("a3")) != null);
        Thread.sleep(700); // beating all along: not silent
        assertThat(watch.silent()).isEmpty();

        beating.close(); // the node goes, as with the session's end
        beating = null;
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> connection.client().checkExists().forPath(Paths.heartbeat("a3")) == null);
        await().atMost(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(10))
                .until(() -> watch.silent().contains("a3"));
        Thread.sleep(1000);
        assertThat(watch.silent()).as("still silent, not forgotten").contains("a3");

        beating = new AgentHeartbeat(connection.client(), "a3", Duration.ofMillis(100), 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> !watch.silent().contains("a3"));
    }

    @Test
    void anAgentThatStopsBeatingIsSilentWhileItsSessionLivesAndACutOffWatcherConcludesNothing() throws Exception {
        beating = new AgentHeartbeat(connection.client(), "a2", Duration.ofMillis(200), HostMemory.total());
        // a1 beat once, on a session of its own that outlives it (ZooKeeper keeps a dead host's session a while)
        frozen = new ZooKeeper(server.connectString(), 30_000, event -> { });
        await().atMost(Duration.ofSeconds(5)).until(() -> frozen.getState().isConnected());
        await().atMost(Duration.ofSeconds(5)).until(() -> connection.client().checkExists().forPath(Paths.HEARTBEATS) != null);
        frozen.create(Paths.heartbeat("a1"), "1".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

        AtomicInteger changes = new AtomicInteger();
        // timed from before the watcher exists: its start-up (slow on a loaded machine) is inside the window
        long start = System.nanoTime();
        watch = new HeartbeatWatch(connection.client(), Duration.ofSeconds(2));
        watch.onChange(changes::incrementAndGet);
        assertThat(watch.silent()).as("nobody is silent before the watcher has been connected that long").isEmpty();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> watch.silent().contains("a1"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(4));
        assertThat(watch.silent()).as("a2 beats every 200 ms").containsExactly("a1");
        await().atMost(Duration.ofSeconds(3)).until(watch::settled);
        assertThat(changes.get()).as("listeners hear a1 fall silent and the watcher settle").isGreaterThanOrEqualTo(1);
        assertThat(watch.memoryFree()).as("a2's beats carry its host's free memory; a1's old-style beat none")
                .containsOnlyKeys("a2");
        assertThat(watch.memoryFree().get("a2")).isBetween(1L, HostMemory.total());

        server.close(); // the watcher is cut off: its blindness is not the agents' death
        await().atMost(Duration.ofSeconds(10)).until(() -> !watch.settled());
        assertThat(watch.silent()).isEmpty();
        Thread.sleep(2_000); // longer than the silence, still cut off
        assertThat(watch.silent()).isEmpty();
        assertThat(watch.settled()).isFalse();

        // back on the same port for the clean-up: a2's heartbeat deletes its node on close, and against a server
        // that is gone that delete retried for 24 s
        String connect = server.connectString();
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1",
                Integer.parseInt(connect.substring(connect.lastIndexOf(':') + 1))));
    }

    /**
     * The leader's watch publishes the pace for the agents beating (here a cap of 2 beats/s: 3 agents beat every
     * 1.5 s), every agent takes it up from /skep-heartbeats, and nobody is silent across the change; when two go, the
     * last one speeds up again, and only the two gone are silent.
     */
    @Test
    void theLeaderSlowsTheBeatAsAgentsJoinAndTheAgentsFollowWithoutFallingSilent() throws Exception {
        watch = new HeartbeatWatch(connection.client(), Duration.ofMillis(500), 2, System::nanoTime);
        watch.publishPaceWhile(() -> true);
        beating = new AgentHeartbeat(connection.client(), "a1", Duration.ofMillis(500), 0);
        AgentHeartbeat a2 = new AgentHeartbeat(connection.client(), "a2", Duration.ofMillis(500), 0);
        AgentHeartbeat a3 = new AgentHeartbeat(connection.client(), "a3", Duration.ofMillis(500), 0);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> watch.pace().interval().equals(Duration.ofMillis(1500)));
            assertThat(new String(connection.client().getData().forPath(Paths.HEARTBEATS))).isEqualTo("1500");
            await().atMost(Duration.ofSeconds(5)).until(() -> beating.interval().equals(Duration.ofMillis(1500))
                    && a2.interval().equals(Duration.ofMillis(1500)) && a3.interval().equals(Duration.ofMillis(1500)));
            long until = System.nanoTime() + Duration.ofSeconds(6).toNanos(); // four beats at the new pace
            while (System.nanoTime() < until) {
                assertThat(watch.silent()).as("beating at the old pace, then the new").isEmpty();
                Thread.sleep(50);
            }
        } finally {
            a2.close();
            a3.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> beating.interval().equals(Duration.ofSeconds(1)));
        assertThat(watch.pace().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(watch.silent()).containsExactlyInAnyOrder("a2", "a3");
    }

    /**
     * Paces published faster than the beat (a cluster growing by hundreds of agents changes it every few seconds):
     * every change re-paces the agent, and none may put its next beat off past one interval from its last.
     */
    @Test
    void paceChangesFasterThanTheBeatNeverPutTheNextBeatOffPastAnInterval() throws Exception {
        beating = new AgentHeartbeat(connection.client(), "a1", Duration.ofMillis(500), 0);
        var zk = connection.client();
        zk.create().orSetData().forPath(Paths.HEARTBEATS, "2000".getBytes());
        await().atMost(Duration.ofSeconds(5)).until(() -> beating.interval().equals(Duration.ofMillis(2000)));
        long lastMtime = zk.checkExists().forPath(Paths.heartbeat("a1")).getMtime();
        long longestGap = 0;
        long end = System.currentTimeMillis() + 8_000;
        for (int change = 0; System.currentTimeMillis() < end; change++) {
            zk.setData().forPath(Paths.HEARTBEATS, (change % 2 == 0 ? "2500" : "2000").getBytes());
            long next = System.currentTimeMillis() + 300;
            while (System.currentTimeMillis() < next) {
                long mtime = zk.checkExists().forPath(Paths.heartbeat("a1")).getMtime();
                if (mtime != lastMtime) {
                    longestGap = Math.max(longestGap, mtime - lastMtime);
                    lastMtime = mtime;
                }
                Thread.sleep(20);
            }
        }
        longestGap = Math.max(longestGap, System.currentTimeMillis() - lastMtime);
        assertThat(longestGap).as("the longest time between two beats (ms), paces 2000/2500 ms").isLessThan(3_000);
    }
}
