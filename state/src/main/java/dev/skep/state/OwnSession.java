package dev.skep.state;

import dev.skep.model.fs.PrivateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.client.StaticHostProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper session of the one process that uses an embedded ZooKeeper, kept in a file so that the next start
 * can end it. A process killed outright (kill -9, a crash) leaves its session to the server, which restores it from
 * its own log when it starts again and keeps it, with its ephemeral nodes (leadership, the agent's registration, its
 * instances' status), for the whole session timeout: the new process waited about 9 s to lead, so to schedule.
 * Closing it with its id and password ends it at once, as the owner's own close would have.
 */
public final class OwnSession {

    private static final Logger log = LoggerFactory.getLogger(OwnSession.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private OwnSession() {
    }

    /** Keeps {@code client}'s session in {@code file}, now and after each new session (a pause ends one). */
    public static void keep(CuratorFramework client, Path file) {
        write(client, file);
        client.getConnectionStateListenable().addListener((c, state) -> {
            if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
                write(c, file);
            }
        });
    }

    /**
     * Ends the session {@code file} names, if the server still holds it (a former process died without closing it),
     * and deletes the file. Best effort: what it cannot close ends with its timeout, as it did.
     */
    public static void closeLeftover(Path file, String connectString, ZkAcl acl) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
            long id = Long.parseUnsignedLong(parts[0], 16);
            byte[] password = Base64.getDecoder().decode(parts[1]);
            CountDownLatch answered = new CountDownLatch(1);
            Watcher watcher = event -> {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected
                        || event.getState() == Watcher.Event.KeeperState.Expired) {
                    answered.countDown();
                }
            };
            ZooKeeper zk = new ZooKeeper(connectString, (int) CLOSE_WAIT.toMillis(), watcher, id, password, false,
                    new StaticHostProvider(new ConnectStringParser(connectString).getServerAddresses()),
                    StateConnection.clientConfig(null));
            try {
                boolean reached = answered.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (reached && zk.getState().isAlive()) { // Expired: the server had ended it already
                    if (acl != null) {
                        zk.addAuthInfo("digest", acl.auth()); // the embedded server closes sessions that never log in
                    }
                    log.info("event=zookeeper.leftover-session-closed session=0x{} effect=\"the nodes of the process "
                            + "that held it (it died without closing it) go now, not after its timeout\"",
                            Long.toHexString(id));
                }
            } finally {
                zk.close((int) CLOSE_WAIT.toMillis());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("event=zookeeper.leftover-session-not-closed file={} error=\"{}\" effect=\"its nodes go with its "
                    + "timeout\"", file, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("event=zookeeper.session-file-not-deleted file={} error=\"{}\"", file, e.toString());
        }
    }

    private static void write(CuratorFramework client, Path file) {
        try {
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            String line = Long.toHexString(zk.getSessionId()) + " "
                    + Base64.getEncoder().encodeToString(zk.getSessionPasswd()) + "\n";
            PrivateFile.write(file, line);
        } catch (Exception e) {
            log.warn("event=zookeeper.session-not-kept file={} error=\"{}\" effect=\"after a crash the next start "
                    + "waits for this session's timeout\"", file, e.toString());
        }
    }
}
