package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.state.EmbeddedZooKeeper;
import dev.skep.state.ZkDataSize;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 §1: an older skep let any local process write to its embedded ZooKeeper, and an app filled it past
 * skep's heap; every start then died with an OutOfMemoryError while ZooKeeper loaded. skep must start anyway.
 */
class OversizedStateEndToEndTest {

    private static final int JUNK_NODES = 320; // 288 MB: more than the test server's whole heap
    private static final int NODE_BYTES = 900 * 1024; // under ZooKeeper's 1 MB request bound

    @TempDir
    Path dir;

    @Test
    void aStateBiggerThanHalfTheHeapIsSweptInAChildJvmAndSkepStartsWithoutTheJunk() throws Exception {
        Path data = dir.resolve("data");
        Path zk = Files.createDirectories(data.resolve("zk"));
        // what the older version allowed: an unauthenticated session writing at the root of an open server
        try (EmbeddedZooKeeper open = EmbeddedZooKeeper.start(zk, new InetSocketAddress("127.0.0.1", 0))) {
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper app = new ZooKeeper(open.connectString(), 10_000, event -> {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
                byte[] junk = new byte[NODE_BYTES];
                for (int i = 0; i < JUNK_NODES; i++) {
                    app.create("/junk-" + i, junk, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
            } finally {
                app.close();
            }
        }
        long before = ZkDataSize.loadBytes(zk);
        assertThat(before).as("junk on disk").isGreaterThan((long) JUNK_NODES * NODE_BYTES);

        // a 256 MB heap, as every test server has: loading the junk there would die of an OutOfMemoryError
        SkepServerProcess server = new SkepServerProcess(data, List.of(), Map.of()).start();
        try {
            assertThat(server.output()).contains("event=zookeeper.sweep-started").contains("event=zookeeper.swept")
                    .contains("event=zookeeper.junk-removed subtrees=" + JUNK_NODES);
            assertThat(ZkDataSize.loadBytes(zk)).as("what the next start loads").isLessThan(before / 10);
            assertThat(Http.get(server.api("/v1/apps"), server.token()).status()).isEqualTo(200);
        } finally {
            assertThat(server.stop()).isZero();
        }
        // the next start has nothing to sweep
        SkepServerProcess again = new SkepServerProcess(data, List.of(), Map.of()).start();
        try {
            assertThat(again.output()).doesNotContain("event=zookeeper.sweep-started");
        } finally {
            assertThat(again.stop()).isZero();
        }
    }
}
