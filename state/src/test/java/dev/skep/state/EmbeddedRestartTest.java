package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.skep.model.AppId;
import dev.skep.model.DataDirs;
import dev.skep.model.SkepException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded ZooKeeper on a disk that fills up: ZooKeeper's own server stops for good when it cannot write its
 * transaction log, which left single-host skep refusing every change until it was restarted (seen in CI: a full
 * data disk, then a deploy after space was freed still got "ZooKeeper is unreachable"). A small tmpfs is the disk
 * (mounting needs root).
 */
class EmbeddedRestartTest {

    @TempDir
    Path dir;

    Path mnt;
    EmbeddedZooKeeper server;
    StateConnection connection;
    ZkClusterState state;

    @AfterEach
    void stop() throws Exception {
        if (state != null) {
            state.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
        if (mnt != null) {
            new ProcessBuilder("umount", mnt.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aServerThatCouldNotWriteIsReplacedOnceThereIsRoomAndTheSessionGoesOn() throws Exception {
        Assumptions.assumeTrue(DataDirs.runningAsRoot(), "mounting a tmpfs needs root");
        mnt = Files.createDirectories(dir.resolve("mnt"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt.toString())
                .inheritIO().start();
        if (mount.waitFor() != 0) {
            mnt = null;
            Assumptions.abort("cannot mount a tmpfs here");
        }
        server = EmbeddedZooKeeper.start(mnt.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        connection = StateConnection.open(server.connectString(), Duration.ofSeconds(30), Duration.ofSeconds(10));
        CuratorFramework client = connection.client();
        state = new ZkClusterState(client, Clock.systemUTC(), server::trouble);
        client.create().withMode(CreateMode.EPHEMERAL).forPath("/mine");
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();

        Path filler = fill(mnt);
        ZooKeeper raw = client.getZookeeperClient().getZooKeeper(); // no Curator retries
        Throwable whileFull = catchThrowable(() ->
                raw.create("/while-full", new byte[4096], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        assertThat(whileFull).as("a write while the disk is full fails").isNotNull();
        // while it is down, a change refused says why, and what to do
        {
            await().atMost(Duration.ofSeconds(10)).until(() -> server.trouble().isPresent());
            SkepException refused = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> catchThrowableOfType(SkepException.class,
                            () -> state.createApp(AppId.parse("alice/shop"))), e -> e != null);
            assertThat(refused.getMessage()).contains("the cluster state (ZooKeeper) is down");
            assertThat(refused.detail()).contains("the embedded ZooKeeper could not write its data in " + mnt)
                    .contains("free space on that filesystem");
        }

        Files.delete(filler);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            client.create().forPath("/after", "room again".getBytes(StandardCharsets.UTF_8));
            return true;
        });
        assertThat(client.checkExists().forPath("/while-full")).as("the failed write was not applied").isNull();
        assertThat(client.checkExists().forPath("/mine")).as("the session's ephemeral node is still there").isNotNull();
        assertThat(client.getZookeeperClient().getZooKeeper().getSessionId()).isEqualTo(session);
        assertThat(server.trouble()).as("serving again").isEmpty();
    }

    /** Writes until the filesystem has no room left; returns the file. */
    private static Path fill(Path fs) throws IOException {
        Path filler = fs.resolve("filler");
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
        return filler;
    }
}
