package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded ZooKeeper of `skep server` is reachable by every app on the host. A tenant filled an older
 * one's world-writable /zookeeper with 1 GB of nodes, and skep then died loading it at start. Now a session
 * that does not authenticate is closed, nobody but skep may write anywhere, and junk left by an older
 * version is removed at start and compacted away.
 */
class EmbeddedLockdownTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ZooKeeper client(String connectString) throws Exception {
        ZooKeeper zk = new ZooKeeper(connectString, 10_000, event -> { });
        await().atMost(Duration.ofSeconds(10)).until(() -> zk.getState().isConnected());
        return zk;
    }

    private static void write(ZooKeeper zk, String path, int bytes) throws Exception {
        zk.create(path, new byte[bytes], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    /** A skep server's start: lock down, remove junk, compact when junk went. */
    private int startAsSkepServer(ZkAcl acl) throws Exception {
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0), false, true);
        try (StateConnection skep = StateConnection.open(server.connectString(), Duration.ofSeconds(5),
                Duration.ofSeconds(10), acl)) {
            int removed = acl.secure(skep.client(), true);
            if (removed > 0) {
                server.compact();
            }
            return removed;
        }
    }

    @Test
    void aSessionWithoutCredentialsIsClosedAndNoOtherCredentialsMayWriteAnywhere() throws Exception {
        ZkAcl acl = ZkAcl.inDataDir(dir);
        startAsSkepServer(acl);

        try (ZooKeeper anonymous = client(server.connectString())) {
            assertThatThrownBy(() -> write(anonymous, "/evil", 10))
                    .isInstanceOf(KeeperException.SessionClosedRequireAuthException.class);
        }
        try (ZooKeeper tenant = client(server.connectString())) {
            // digest credentials of its own make a session, and nothing more
            tenant.addAuthInfo("digest", "tenant:whatever".getBytes(StandardCharsets.UTF_8));
            for (String path : new String[] {"/evil", "/zookeeper/evil", "/zookeeper/quota/evil", "/skep/evil"}) {
                assertThatThrownBy(() -> write(tenant, path, 1_000)).as(path)
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
            assertThatThrownBy(() -> tenant.setData("/zookeeper", new byte[10], -1))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
    }

    @Test
    void junkAnOlderVersionLetInIsRemovedAtStartAndCompactedAway() throws Exception {
        // an older skep: open to any session, with /zookeeper world-writable, as ZooKeeper ships it
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        try (ZooKeeper tenant = client(server.connectString())) {
            write(tenant, "/junk", 50_000);
            for (int i = 0; i < 10; i++) {
                write(tenant, "/junk/n" + i, 50_000);
            }
            write(tenant, "/zookeeper/junk", 50_000);
            write(tenant, "/zookeeper/quota/junk", 50_000);
        }
        server.close();

        ZkAcl acl = ZkAcl.inDataDir(dir);
        assertThat(startAsSkepServer(acl)).isEqualTo(3);
        server.close();

        startAsSkepServer(acl); // the next start: nothing left to remove
        try (StateConnection skep = StateConnection.open(server.connectString(), Duration.ofSeconds(5),
                Duration.ofSeconds(10), acl)) {
            assertThat(skep.client().getChildren().forPath("/")).containsExactlyInAnyOrder("skep", "zookeeper");
            assertThat(skep.client().getChildren().forPath("/zookeeper")).doesNotContain("junk");
            assertThat(skep.client().getChildren().forPath("/zookeeper/quota")).isEmpty();
        }
        // a start loads the newest snapshot and the writes after it: taken after the removal, it holds
        // none of the junk's 650 kB (snapshots live in zk/txlog: see EmbeddedZooKeeper)
        try (Stream<Path> snaps = Files.walk(dir.resolve("zk/txlog"))) {
            Path newest = snaps.filter(f -> f.getFileName().toString().startsWith("snapshot."))
                    .max(java.util.Comparator.comparingLong(f -> Long.parseLong(
                            f.getFileName().toString().substring("snapshot.".length()), 16))).orElseThrow();
            assertThat(Files.size(newest)).isLessThan(100_000);
        }
    }
}
