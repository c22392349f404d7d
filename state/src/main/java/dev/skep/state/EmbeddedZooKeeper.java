package dev.skep.state;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone ZooKeeper server inside the skep process, for single-host mode. Its data lives
 * under the skep data dir, so state survives restarts exactly as an external ensemble would.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    private static final int TICK_MILLIS = 500;

    private final ZooKeeperServer server;
    private final ServerCnxnFactory connections;

    private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory connections) {
        this.server = server;
        this.connections = connections;
    }

    /** Starts on the given address (port 0 picks a free one), without fsync per write. */
    public static EmbeddedZooKeeper start(Path dataDir, InetSocketAddress address) throws IOException {
        return start(dataDir, address, false);
    }

    /**
     * @param syncEachWrite fsync the transaction log on every write. Off by default for the
     *                      embedded server: a crash or kill of skep loses nothing (the OS has the
     *                      writes); only a power loss or kernel crash could lose the last moments,
     *                      which the agents' re-adoption and the scheduler recover from. Each fsync
     *                      costs milliseconds to tens of milliseconds, and a deploy makes six writes.
     */
    public static EmbeddedZooKeeper start(Path dataDir, InetSocketAddress address, boolean syncEachWrite)
            throws IOException {
        // ZooKeeper reads this once, when its transaction log class loads: set it before the server exists
        System.setProperty("zookeeper.forceSync", syncEachWrite ? "yes" : "no");
        Path snapshots = Files.createDirectories(dataDir.resolve("snapshots"));
        Path txlog = Files.createDirectories(dataDir.resolve("txlog"));
        ZooKeeperServer server = new ZooKeeperServer(snapshots.toFile(), txlog.toFile(), TICK_MILLIS);
        // Sessions of a killed skep must expire fast, so its ephemeral nodes go with it.
        server.setMinSessionTimeout(2 * TICK_MILLIS);
        server.setMaxSessionTimeout(20 * TICK_MILLIS);
        ServerCnxnFactory connections = ServerCnxnFactory.createFactory(address, 1000);
        try {
            connections.startup(server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connections.shutdown();
            throw new IOException("interrupted while starting ZooKeeper", e);
        }
        log.info("event=zookeeper.started address={} data={}", connectString(connections), dataDir);
        return new EmbeddedZooKeeper(server, connections);
    }

    public String connectString() {
        return connectString(connections);
    }

    private static String connectString(ServerCnxnFactory connections) {
        InetSocketAddress local = connections.getLocalAddress();
        return local.getAddress().getHostAddress() + ":" + local.getPort();
    }

    @Override
    public void close() {
        connections.shutdown();
        server.shutdown();
        log.info("event=zookeeper.stopped");
    }
}
