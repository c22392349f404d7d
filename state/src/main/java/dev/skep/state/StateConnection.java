package dev.skep.state;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connects to ZooKeeper (embedded or an ensemble) and logs connection changes as events. */
public final class StateConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateConnection.class);

    private final CuratorFramework client;

    private StateConnection(CuratorFramework client) {
        this.client = client;
    }

    /** Connects and waits up to {@code timeout} for the first connection. */
    public static StateConnection open(String connectString, Duration sessionTimeout, Duration timeout) {
        return open(connectString, sessionTimeout, timeout, null);
    }

    /** As above, authenticated as skep, and creating every node with skep's ACL (null: open ACLs). */
    public static StateConnection open(String connectString, Duration sessionTimeout, Duration timeout, ZkAcl acl) {
        return open(connectString, sessionTimeout, timeout, acl, null);
    }

    /** As above, over TLS to the ensemble's secure client port when {@code tls} is given (null: plain). */
    public static StateConnection open(String connectString, Duration sessionTimeout, Duration timeout, ZkAcl acl,
                                       ZkTls tls) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) Math.min(timeout.toMillis(), sessionTimeout.toMillis()))
                .retryPolicy(new ExponentialBackoffRetry(100, 10, 2_000));
        if (acl != null) {
            builder.authorization("digest", acl.auth()).aclProvider(acl.provider());
        }
        builder.zkClientConfig(clientConfig(tls));
        CuratorFramework client = builder.build();
        client.getConnectionStateListenable().addListener((c, state) -> logState(connectString, c, state));
        client.start();
        try {
            if (!client.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                client.close();
                if (tls != null) { // a refused handshake only shows as a timeout: say why it was refused
                    TlsProbe.explain(connectString, tls).ifPresent(why -> {
                        throw new IllegalStateException(why);
                    });
                }
                throw new IllegalStateException("cannot reach ZooKeeper at " + connectString + " within " + timeout
                        + "; check --zk" + (tls != null ? " (its secure client port: TLS is on)" : "")
                        + " and that the ensemble is up");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new IllegalStateException("interrupted while connecting to ZooKeeper", e);
        }
        return new StateConnection(client);
    }

    /**
     * Without SASL: skep logs in with a digest. With it on (ZooKeeper's default), every connection attempt first
     * builds a Kerberos principal for the server it never uses, by two reverse DNS lookups of the server's address:
     * on a host whose resolver does not answer, 10 s each, so a role took 20 s to join (and as long to reconnect).
     */
    static ZKClientConfig clientConfig(ZkTls tls) {
        ZKClientConfig config = tls != null ? tls.clientConfig() : new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        return config;
    }

    private static void logState(String connectString, CuratorFramework client, ConnectionState state) {
        switch (state) {
            case CONNECTED, RECONNECTED -> log.info("event=zookeeper.{} zk={} session=0x{} timeout_ms={}",
                    state.name().toLowerCase(), connectString, session(client), negotiatedTimeout(client));
            case SUSPENDED -> log.warn("event=zookeeper.suspended zk={} next=\"apps and routes keep running as they "
                    + "are; no new work until ZooKeeper answers\"", connectString);
            case LOST -> log.warn("event=zookeeper.lost zk={} next=\"a new session re-registers this process's "
                    + "nodes and re-reads the state\"", connectString);
            default -> log.warn("event=zookeeper.{} zk={}", state.name().toLowerCase(), connectString);
        }
    }

    private static String session(CuratorFramework client) {
        try {
            return Long.toHexString(client.getZookeeperClient().getZooKeeper().getSessionId());
        } catch (Exception e) {
            return "?";
        }
    }

    /** The session timeout the ensemble granted (it may narrow the one asked for to its own bounds). */
    private static String negotiatedTimeout(CuratorFramework client) {
        try {
            return String.valueOf(client.getZookeeperClient().getZooKeeper().getSessionTimeout());
        } catch (Exception e) {
            return "?";
        }
    }

    public CuratorFramework client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
    }
}
