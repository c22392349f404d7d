package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed outright leaves its session to the embedded server, which restores it at its next start and kept
 * its ephemeral nodes (leadership among them) for the whole session timeout; the next process closes it at once.
 */
class OwnSessionTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;
    StateConnection next;

    @AfterEach
    void stop() {
        if (next != null) {
            next.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSessionOfAProcessThatDiedWithItsServerEndsAtTheNextStartNotAfterItsTimeout() throws Exception {
        ZkAcl acl = ZkAcl.inDataDir(dir);
        Path file = dir.resolve("zk.session");
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0), false, true);
        String connect = server.connectString();
        StateConnection dead = StateConnection.open(connect, Duration.ofSeconds(10), Duration.ofSeconds(10), acl);
        OwnSession.keep(dead.client(), file);
        dead.client().create().withMode(CreateMode.EPHEMERAL).forPath("/held", new byte[0]);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        // kill -9 of the one process: the server and the client die together; the session stays in the server's log
        server.close();
        dead.close();
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1",
                Integer.parseInt(connect.substring(connect.lastIndexOf(':') + 1))), false, true);
        long restarted = System.nanoTime();
        next = StateConnection.open(connect, Duration.ofSeconds(10), Duration.ofSeconds(10), acl);
        assertThat(next.client().checkExists().forPath("/held")).as("the restored session still holds its node")
                .isNotNull();

        OwnSession.closeLeftover(file, connect, acl);

        await().atMost(Duration.ofSeconds(3)).until(() -> next.client().checkExists().forPath("/held") == null);
        assertThat(Duration.ofNanos(System.nanoTime() - restarted)).as("well before the 10 s session timeout")
                .isLessThan(Duration.ofSeconds(7));
        assertThat(file).doesNotExist();
    }

    @Test
    void aFileOfASessionAlreadyGoneIsDeletedAndNothingElseHappens() throws Exception {
        ZkAcl acl = ZkAcl.inDataDir(dir);
        Path file = dir.resolve("zk.session");
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0), false, true);
        StateConnection closed = StateConnection.open(server.connectString(), Duration.ofSeconds(10),
                Duration.ofSeconds(10), acl);
        OwnSession.keep(closed.client(), file);
        closed.close(); // a clean stop ends its session itself
        next = StateConnection.open(server.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(10), acl);
        next.client().create().withMode(CreateMode.EPHEMERAL).forPath("/mine", new byte[0]);

        OwnSession.closeLeftover(file, server.connectString(), acl);

        assertThat(file).doesNotExist();
        assertThat(next.client().checkExists().forPath("/mine")).as("another session's node").isNotNull();
    }
}
