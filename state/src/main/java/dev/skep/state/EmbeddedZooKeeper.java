package dev.skep.state;

import dev.skep.model.LoopbackTwin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.server.AuthenticationHelper;
import org.apache.zookeeper.server.DatadirCleanupManager;
import org.apache.zookeeper.server.NettyServerCnxnFactory;
import org.apache.zookeeper.server.PurgeTxnLog;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.util.ServiceUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone ZooKeeper server inside the skep process, for single-host mode. Its data lives
 * under the skep data dir, so state survives restarts exactly as an external ensemble would.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    private static final int TICK_MILLIS = 500;
    /**
     * Connections one address may hold (per port). Each may make the server buffer one request of up to
     * jute.maxbuffer (ZooKeeper's 1 MB default; a longer one closes the connection), so one address can pin
     * at most about 100 MB of skep's heap. Apps on this host cannot connect at all (the bind guard's connect
     * hook); skep's own processes hold a few sessions each.
     */
    static final int MAX_CONNECTIONS_PER_ADDRESS = 100;
    /** Snapshots (and the transaction logs they need) kept; older ones are deleted every hour. */
    private static final int SNAPSHOTS_KEPT = 3;
    /** How often the watchdog looks whether the server still runs (a volatile read). */
    private static final long WATCH_MILLIS = 500;
    private static final long FIRST_BACKOFF_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    /** A restarted server that fails within this long of its start failed again for the same reason. */
    private static final long STABLE_NANOS = 30_000_000_000L;
    /**
     * How many times ZooKeeper asked to exit the JVM, which it does on a "severe" error such as a snapshot that
     * could not be written (a full disk). skep's process hosts the router, the API and the apps' supervisors too,
     * so it never exits for ZooKeeper (ZooKeeper's own embedded API offers the same choice): the request is logged
     * and counted, and the watchdog replaces the server.
     */
    private static final AtomicLong EXIT_REQUESTS = new AtomicLong();

    private final Path snapshots;
    private final Path txlog;
    private final boolean requireAuth;
    private final ServerSocket twin;
    private final DatadirCleanupManager cleanup;
    /** The server and its ports now: replaced when the server fails (see {@link #restartWhenFailed}). */
    private volatile Serving serving;
    private volatile boolean closed;
    /** Why the server is down now, for the answers of the changes refused meanwhile; null while it serves. */
    private volatile String trouble;
    private final Thread watchdog;

    /** A ZooKeeperServer and the ports it serves on; a failed server cannot be started again, so all are new. */
    private record Serving(ZooKeeperServer server, ServerCnxnFactory connections, ServerCnxnFactory secure,
                           ZkSecurePort securePort, long exitRequestsBefore) {
        boolean failed() {
            return !server.isRunning() || EXIT_REQUESTS.get() != exitRequestsBefore;
        }

        void shutdown() {
            if (secure != null) {
                secure.shutdown();
            }
            connections.shutdown();
            stop(server);
        }
    }

    private EmbeddedZooKeeper(Serving serving, DatadirCleanupManager cleanup, Path snapshots, Path txlog,
                              boolean requireAuth, ServerSocket twin) {
        this.serving = serving;
        this.cleanup = cleanup;
        this.snapshots = snapshots;
        this.txlog = txlog;
        this.requireAuth = requireAuth;
        this.twin = twin;
        this.watchdog = Thread.ofPlatform().daemon().name("zookeeper-watchdog").start(this::restartWhenFailed);
    }

    /** Starts on the given address (port 0 picks a free one), without fsync per write, open to any session. */
    public static EmbeddedZooKeeper start(Path dataDir, InetSocketAddress address) throws IOException {
        return start(dataDir, address, false, false);
    }

    public static EmbeddedZooKeeper start(Path dataDir, InetSocketAddress address, boolean syncEachWrite)
            throws IOException {
        return start(dataDir, address, syncEachWrite, false);
    }

    /**
     * @param syncEachWrite fsync the transaction log on every write. Off by default for the
     *                      embedded server: a crash or kill of skep loses nothing (the OS has the
     *                      writes); only a power loss or kernel crash could lose the last moments,
     *                      which the agents' re-adoption and the scheduler recover from. Each fsync
     *                      costs milliseconds to tens of milliseconds, and a deploy makes six writes.
     * @param requireAuth   close every session that has not authenticated (digest) before its first
     *                      request: a process on this host that merely reaches the port gets nothing,
     *                      not even watches or a session to hold
     */
    public static EmbeddedZooKeeper start(Path dataDir, InetSocketAddress address, boolean syncEachWrite,
                                          boolean requireAuth) throws IOException {
        return start(dataDir, address, syncEachWrite, requireAuth, null);
    }

    /** @param securePort also serve TLS there (ZooKeeper's secure client port), or null */
    public static EmbeddedZooKeeper start(Path dataDir, InetSocketAddress address, boolean syncEachWrite,
                                          boolean requireAuth, ZkSecurePort securePort) throws IOException {
        // ZooKeeper reads this once, when its transaction log class loads: set it before the server exists
        System.setProperty("zookeeper.forceSync", syncEachWrite ? "yes" : "no");
        ServiceUtils.setSystemExitProcedure(code -> {
            EXIT_REQUESTS.incrementAndGet();
            log.error("event=zookeeper.exit-refused code={} action=\"skep replaces its ZooKeeper server instead\"", code);
        });
        Path snapshots = Files.createDirectories(dataDir.resolve("snapshots"));
        Path txlog = Files.createDirectories(dataDir.resolve("txlog"));
        Serving serving = serve(snapshots, txlog, requireAuth, address, securePort);
        DatadirCleanupManager cleanup = new DatadirCleanupManager(txlog.toFile(), snapshots.toFile(), SNAPSHOTS_KEPT, 1);
        cleanup.start();
        log.info("event=zookeeper.started address={} tls_address={} data={} auth_required={}",
                connectString(serving.connections()),
                serving.secure() == null ? "none" : connectString(serving.secure()), dataDir, requireAuth);
        return new EmbeddedZooKeeper(serving, cleanup, snapshots, txlog, requireAuth,
                holdTwin(serving.connections().getLocalAddress()));
    }

    private static Serving serve(Path snapshots, Path txlog, boolean requireAuth, InetSocketAddress address,
                                 ZkSecurePort securePort) throws IOException {
        long exitRequestsBefore = EXIT_REQUESTS.get();
        ZooKeeperServer server = newServer(snapshots, txlog, requireAuth);
        // Sessions of a killed skep must expire fast, so its ephemeral nodes go with it: a client gets the timeout it
        // asks for (skep's --zk-session-timeout, 2-60 s), not one raised to a tick multiple of the server's liking.
        server.setMinSessionTimeout(2 * TICK_MILLIS);
        server.setMaxSessionTimeout(120 * TICK_MILLIS);
        ServerCnxnFactory connections = ServerCnxnFactory.createFactory(address, MAX_CONNECTIONS_PER_ADDRESS);
        try {
            connections.startup(server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connections.shutdown();
            stop(server);
            throw new IOException("interrupted while starting ZooKeeper", e);
        } catch (IOException | RuntimeException e) {
            connections.shutdown();
            stop(server);
            throw e;
        }
        ServerCnxnFactory secure = null;
        if (securePort != null) {
            try {
                secure = startSecure(server, securePort);
            } catch (IOException | RuntimeException e) {
                connections.shutdown();
                stop(server);
                throw e;
            }
        }
        ZkSecurePort boundSecure = secure == null ? null
                : new ZkSecurePort(secure.getLocalAddress(), securePort.keystore(), securePort.keystorePassword());
        return new Serving(server, connections, secure, boundSecure, exitRequestsBefore);
    }

    /**
     * A ZooKeeper server stops for good when it cannot write its transaction log (a full disk, an I/O error):
     * its request thread dies and the server is left in an error state, refusing every session. Standalone
     * ZooKeeper then exits for its supervisor to restart it; embedded, skep would stay read-only until restarted.
     * So a failed server is replaced by a new one on the same data and ports: it loads what was written, the
     * clients' sessions resume within their timeout, and the write that failed was never applied (its caller saw
     * a connection loss). While the new one cannot start (the disk is still full), it retries with back-off.
     */
    private void restartWhenFailed() {
        long backoffMillis = FIRST_BACKOFF_MILLIS;
        long servingSince = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(WATCH_MILLIS);
                Serving now = serving;
                if (closed || !now.failed()) {
                    continue;
                }
                // a server that failed soon after it started (the disk is still full) is not started again at once:
                // the back-off goes on growing, rather than a restart and a failed write every second or two
                boolean soon = System.nanoTime() - servingSince < STABLE_NANOS;
                log.error("event=zookeeper.failed data={} free_bytes={} restart_in_ms={} action=\"ZooKeeper could not "
                                + "write its data (a full disk?); free space on that filesystem; skep restarts it on its "
                                + "own\"", txlog.getParent(), freeBytes(), soon ? backoffMillis : 0);
                trouble = "the embedded ZooKeeper could not write its data in " + txlog.getParent() + " ("
                        + freeBytes() + " bytes free there: a full disk?); free space on that filesystem, and skep "
                        + "restarts it on its own";
                now.shutdown();
                if (soon) {
                    Thread.sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
                } else {
                    backoffMillis = FIRST_BACKOFF_MILLIS;
                }
                while (!closed) {
                    try {
                        Serving next = serve(snapshots, txlog, requireAuth, now.connections().getLocalAddress(),
                                now.securePort());
                        if (next.failed()) { // started, but could not write its first snapshot, say
                            next.shutdown();
                            throw new IOException("the new server failed as it started");
                        }
                        serving = next;
                        trouble = null;
                        servingSince = System.nanoTime();
                        log.info("event=zookeeper.restarted address={}", connectString(serving.connections()));
                        break;
                    } catch (IOException | RuntimeException e) {
                        log.error("event=zookeeper.restart-failed error=\"{}\" free_bytes={} retry_in_ms={}",
                                e, freeBytes(), backoffMillis);
                        Thread.sleep(backoffMillis);
                        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                return; // closed
            }
        }
    }

    /**
     * ZooKeeperServer.shutdown does nothing for a server that never reached RUNNING, so one whose start failed
     * would keep its transaction log open: its database is closed here too (closing twice is harmless).
     */
    private static void stop(ZooKeeperServer server) {
        server.shutdown();
        ZKDatabase data = server.getZKDatabase();
        if (data != null) {
            try {
                data.close();
            } catch (IOException e) {
                log.debug("event=zookeeper.close-failed error={}", e.toString());
            }
        }
    }

    private long freeBytes() {
        try {
            return Files.getFileStore(txlog).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * ZooKeeper 3.9's Netty server reads its TLS settings from system properties at each handshake (no
     * per-server config): they are set for the life of this process. Clients in the same process are not
     * affected: {@link ZkTls} sets every client key per connection.
     */
    private static ServerCnxnFactory startSecure(ZooKeeperServer server, ZkSecurePort port) throws IOException {
        ClientX509Util x509 = new ClientX509Util();
        System.setProperty(x509.getSslKeystoreLocationProperty(), port.keystore().toAbsolutePath().toString());
        if (port.keystorePassword() != null) {
            System.setProperty(x509.getSslKeystorePasswdProperty(), port.keystorePassword());
        }
        System.setProperty(x509.getSslClientAuthProperty(), "none"); // the cluster secret is the clients' identity
        x509.close();
        ServerCnxnFactory secure = nettyFactory();
        secure.configure(port.address(), MAX_CONNECTIONS_PER_ADDRESS, -1, true);
        try {
            secure.startup(server, false); // the plain factory started the server
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            secure.shutdown();
            throw new IOException("interrupted while starting ZooKeeper's TLS port", e);
        }
        server.setSecureServerCnxnFactory(secure);
        return secure;
    }

    /** Only the Netty factory serves TLS; its constructor is not public, so it is named the way ZooKeeper reads it. */
    private static ServerCnxnFactory nettyFactory() throws IOException {
        synchronized (EmbeddedZooKeeper.class) {
            String chosen = System.getProperty(ServerCnxnFactory.ZOOKEEPER_SERVER_CNXN_FACTORY);
            try {
                System.setProperty(ServerCnxnFactory.ZOOKEEPER_SERVER_CNXN_FACTORY,
                        NettyServerCnxnFactory.class.getName());
                return ServerCnxnFactory.createFactory();
            } finally {
                restore(ServerCnxnFactory.ZOOKEEPER_SERVER_CNXN_FACTORY, chosen);
            }
        }
    }

    /** The TLS port's host:port, or null when there is none. */
    public String secureConnectString() {
        ServerCnxnFactory secure = serving.secure();
        return secure == null ? null : connectString(secure);
    }

    /**
     * Note: ZooKeeperServer(snapDir, logDir, tick) hands its arguments to FileTxnSnapLog(logDir, snapDir),
     * so since the first release transaction logs live in zk/snapshots and snapshots in zk/txlog; kept so
     * for existing data dirs, and the clean-up below is told the same.
     *
     * ZooKeeper reads its authentication enforcement from system properties when a server is made: set
     * them for this one only (other servers in the same JVM, tests' say, keep theirs).
     */
    private static ZooKeeperServer newServer(Path snapshots, Path txlog, boolean requireAuth) throws IOException {
        synchronized (EmbeddedZooKeeper.class) {
            String enabled = System.getProperty(AuthenticationHelper.ENFORCE_AUTH_ENABLED);
            String schemes = System.getProperty(AuthenticationHelper.ENFORCE_AUTH_SCHEMES);
            try {
                if (requireAuth) {
                    System.setProperty(AuthenticationHelper.ENFORCE_AUTH_ENABLED, "true");
                    System.setProperty(AuthenticationHelper.ENFORCE_AUTH_SCHEMES, "digest");
                }
                return new ZooKeeperServer(snapshots.toFile(), txlog.toFile(), TICK_MILLIS);
            } finally {
                restore(AuthenticationHelper.ENFORCE_AUTH_ENABLED, enabled);
                restore(AuthenticationHelper.ENFORCE_AUTH_SCHEMES, schemes);
            }
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /**
     * Holds the port on [::1] too (see LoopbackTwin): nobody is served there, but no app can listen there in
     * skep's name either. Each connection is closed at once.
     */
    private static ServerSocket holdTwin(InetSocketAddress bound) {
        var twin = LoopbackTwin.of(bound.getAddress().getHostAddress());
        if (twin.isEmpty()) {
            return null;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(twin.get(), bound.getPort()));
            Thread.ofVirtual().name("zookeeper-twin").start(() -> {
                while (!socket.isClosed()) {
                    try (Socket refused = socket.accept()) {
                        log.debug("event=zookeeper.twin-refused peer={}", refused.getRemoteSocketAddress());
                    } catch (IOException closed) {
                        // closed with the server
                    }
                }
            });
            return socket;
        } catch (IOException e) {
            LoopbackTwin.report(log, "zookeeper", twin.get(), bound.getPort(), e);
            return null;
        }
    }

    /**
     * Writes a snapshot of the state as it is now and deletes the older snapshots and logs: after junk
     * was removed, the next start loads only what is left instead of replaying the junk's writes.
     */
    public void compact() throws IOException {
        serving.server().takeSnapshot();
        PurgeTxnLog.purge(snapshots.toFile(), txlog.toFile(), SNAPSHOTS_KEPT); // (log dir, snapshot dir): see newServer
        log.info("event=zookeeper.compacted kept_snapshots={}", SNAPSHOTS_KEPT);
    }

    /** Why the server is down and being restarted (a full disk, say), or empty while it serves. */
    public Optional<String> trouble() {
        return Optional.ofNullable(trouble);
    }

    public String connectString() {
        return connectString(serving.connections());
    }

    private static String connectString(ServerCnxnFactory connections) {
        InetSocketAddress local = connections.getLocalAddress();
        return local.getAddress().getHostAddress() + ":" + local.getPort();
    }

    @Override
    public void close() {
        if (twin != null) {
            try {
                twin.close();
            } catch (IOException e) {
                log.debug("event=zookeeper.twin-close-failed error={}", e.toString());
            }
        }
        closed = true;
        watchdog.interrupt();
        try {
            watchdog.join(MAX_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cleanup.shutdown();
        serving.shutdown();
        log.info("event=zookeeper.stopped");
    }
}
