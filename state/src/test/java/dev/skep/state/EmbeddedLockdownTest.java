package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    /**
     * What a connection may cost skep: one address holds at most {@link EmbeddedZooKeeper#MAX_CONNECTIONS_PER_ADDRESS}
     * connections (others still connect), and a request declared longer than jute.maxbuffer is not buffered: the
     * connection is closed. Together they bound the heap one address can pin while trickling requests.
     */
    @Test
    void oneAddressHoldsAtMostItsCapOfConnectionsAndNoRequestOverTheBufferLimit() throws Exception {
        startAsSkepServer(ZkAcl.inDataDir(dir));
        InetSocketAddress zk = new InetSocketAddress("127.0.0.1",
                ZkHostPort.parse(server.connectString()).getFirst().port());
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < EmbeddedZooKeeper.MAX_CONNECTIONS_PER_ADDRESS; i++) {
                held.add(connectFrom("127.0.0.1", zk));
            }
            // the server counts a connection once its selector thread took it over from the acceptor
            Thread.sleep(1_000);
            assertThat(refusedWithin("127.0.0.1", zk, Duration.ofSeconds(2))).as("the connection over the cap").isTrue();
            assertThat(closedWithin(held.get(0), Duration.ofMillis(500))).as("one under the cap").isFalse();
            try (Socket other = connectFrom("127.0.0.2", zk)) {
                assertThat(closedWithin(other, Duration.ofMillis(500))).as("another address").isFalse();
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        try (Socket big = connectFrom("127.0.0.3", zk)) {
            // a 2 MB request's length, and nothing more: over the limit, it is refused as it is announced
            big.getOutputStream().write(ByteBuffer.allocate(4).putInt(2 << 20).array());
            big.getOutputStream().flush();
            assertThat(closedWithin(big, Duration.ofSeconds(2))).as("a request over jute.maxbuffer").isTrue();
        }
    }

    private static Socket connectFrom(String source, InetSocketAddress target) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(target, 5_000);
        return s;
    }

    /** Whether a connection from {@code source} is closed by the server (at once, or within {@code wait}). */
    private static boolean refusedWithin(String source, InetSocketAddress target, Duration wait) throws Exception {
        try (Socket s = connectFrom(source, target)) {
            return closedWithin(s, wait);
        } catch (SocketException closedWhileConnecting) {
            return true;
        }
    }

    /** Whether the server closed {@code s} (end of stream or reset) within {@code wait}; nothing is ever sent back. */
    private static boolean closedWithin(Socket s, Duration wait) throws Exception {
        s.setSoTimeout((int) wait.toMillis());
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** How skep judges, before loading, whether the state fits its heap: by what the logs hold, not their size. */
    @Test
    void loadBytesCountsWhatTheLogsHoldNotTheirPreallocatedZeros() throws Exception {
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        try (ZooKeeper tenant = client(server.connectString())) {
            write(tenant, "/small", 1_000);
        }
        long empty = ZkDataSize.loadBytes(dir.resolve("zk"));
        assertThat(empty).as("a log of one small write, preallocated to 64 MB").isLessThan(100_000);
        try (ZooKeeper tenant = client(server.connectString())) {
            for (int i = 0; i < 30; i++) {
                write(tenant, "/big" + i, 500_000);
            }
        }
        assertThat(ZkDataSize.loadBytes(dir.resolve("zk"))).isBetween(15_000_000L, 16_000_000L);
        assertThat(ZkDataSize.fileBytes(dir.resolve("zk"))).as("an upper bound")
                .isGreaterThanOrEqualTo(ZkDataSize.loadBytes(dir.resolve("zk")));
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
                    .max(Comparator.comparingLong(f -> Long.parseLong(
                            f.getFileName().toString().substring("snapshot.".length()), 16))).orElseThrow();
            assertThat(Files.size(newest)).isLessThan(100_000);
        }
    }
}
