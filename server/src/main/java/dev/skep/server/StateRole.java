package dev.skep.server;

import dev.skep.state.EmbeddedZooKeeper;
import dev.skep.state.OwnSession;
import dev.skep.state.StateConnection;
import dev.skep.state.ZkAcl;
import dev.skep.state.ZkClusterState;
import dev.skep.state.ZkControllers;
import dev.skep.state.ZkHostPort;
import dev.skep.state.ZkTls;
import dev.skep.state.ZkUserStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * What every role starts with: the state. The embedded ZooKeeper (under the data dir) when no
 * ensemble is given, which only `skep server` allows; the other roles always name one.
 *
 * @param connectString  where the state is, for the start-up log line
 * @param zooKeeperPorts the ports of the state's ZooKeeper servers (an embedded one's TLS port too): no app
 *                       or build may connect to them (see {@link dev.skep.model.limits.BindGuard})
 * @param sessionTimeout the role's main session (--zk-session-timeout): a process silent this long is taken for
 *                       dead by the ensemble
 */
record StateRole(StateConnection connection, ZkClusterState state, ZkUserStore users, ZkControllers controllers,
                 String connectString, ZkAcl acl, ZkTls tls, Set<Integer> zooKeeperPorts, Duration sessionTimeout) {

    /**
     * The controllers' leadership session (and their rollout claims): a leader killed outright loses both this
     * long after its last word, and another controller leads within about that (issue 15: under 5 s). Shorter than
     * the main session, which a pause or a slow network must not end as easily: a controller that loses only
     * this one stops leading and keeps serving the API. A main session set shorter still takes this one down with it.
     */
    static final Duration LEADERSHIP_SESSION_TIMEOUT = Duration.ofSeconds(3);

    /** A second connection to the same state, with its own session (see {@link #LEADERSHIP_SESSION_TIMEOUT}). */
    StateConnection leadershipConnection(Lifecycle life) {
        return life.add("zookeeper leadership client",
                StateConnection.open(connectString, leadershipTimeout(), Duration.ofSeconds(30), acl, tls));
    }

    Duration leadershipTimeout() {
        return sessionTimeout.compareTo(LEADERSHIP_SESSION_TIMEOUT) < 0 ? sessionTimeout : LEADERSHIP_SESSION_TIMEOUT;
    }

    /** In a `skep server`'s data dir: the embedded ZooKeeper's address, host:port. */
    static final String ZK_CONNECT_FILE = "zk.connect";

    /** In a `skep server`'s data dir: its session with the embedded ZooKeeper (see {@link OwnSession}), 0600. */
    static final String SESSION_FILE = "zk.session";

    /** In a `skep server`'s data dir when it serves --zk-tls-port: that TLS address, host:port. */
    static final String ZK_TLS_CONNECT_FILE = "zk.tls.connect";

    static StateRole open(Lifecycle life, ZkSettings config, Path data, Clock clock) throws Exception {
        String zk = config.ensemble();
        boolean embedded = config.isEmbedded();
        EmbeddedZooKeeper server = null;
        if (embedded) {
            ZkSettings.Embedded own = config.embedded();
            Path zkDir = SkepServer.privateDir(data.resolve("zk"));
            ZkSweep.ifTooBig(data, zkDir); // state bigger than this heap (junk of an older skep's) is swept first
            // apps on this host reach its port: a session that does not authenticate is closed at once
            server = life.add("zookeeper", EmbeddedZooKeeper.start(zkDir,
                    new InetSocketAddress(own.bind(), own.port()), own.sync(), true, own.securePort()));
            zk = server.connectString();
            if (data != null) { // where `skep hosts add` points the hosts it installs (the secret is zk.secret)
                Files.writeString(data.resolve(ZK_CONNECT_FILE), zk + "\n");
                Path tlsFile = data.resolve(ZK_TLS_CONNECT_FILE); // and where, with --zk-tls-*, over TLS
                if (own.securePort() != null) {
                    Files.writeString(tlsFile, server.secureConnectString() + "\n");
                } else {
                    Files.deleteIfExists(tlsFile); // a port of an earlier start is gone
                }
            }
        }
        // the embedded server is locked with a secret in the data dir: apps on this host can reach its
        // port, and must not read the state through it (an ensemble's members would share the secret)
        ZkAcl acl = embedded && data != null ? ZkAcl.inDataDir(data)
                : !embedded && config.secret() != null ? ZkAcl.fromFile(config.secret()) : null;
        if (!embedded && acl == null) {
            LoggerFactory.getLogger(StateRole.class).warn("event=zk.open-acl zk={} risk=\"whoever reaches the "
                    + "ensemble reads and changes skep's state, the cluster token included\" fix=\"start every skep "
                    + "role with --zk-secret FILE (the same file on each host)\"", zk);
        }
        // the embedded server is reached on its plain loopback port from this process: TLS is for other hosts
        ZkTls tls = embedded ? null : config.tls();
        Path session = embedded && data != null ? data.resolve(SESSION_FILE) : null;
        if (session != null) { // a former process of ours killed outright: its nodes go now, not a session later
            OwnSession.closeLeftover(session, zk, acl);
        }
        StateConnection connection = life.add("zookeeper client",
                StateConnection.open(zk, config.sessionTimeout(), Duration.ofSeconds(30), acl, tls));
        if (session != null) {
            OwnSession.keep(connection.client(), session);
        }
        if (acl != null && acl.secure(connection.client(), embedded) > 0) { // an ensemble's root is not ours to lock
            server.compact(); // the next start loads what is left, not the junk
        }
        // the embedded server knows why it is down (a full disk): refused changes say so, not just "unreachable"
        EmbeddedZooKeeper local = server;
        Supplier<Optional<String>> whyDown = local == null ? Optional::empty : local::trouble;
        ZkClusterState state = life.add("state", new ZkClusterState(connection.client(), clock, whyDown));
        return new StateRole(connection, state, new ZkUserStore(state.view()),
                new ZkControllers(connection.client()), zk, acl, tls,
                ZkHostPort.portsOf(zk, server == null ? null : server.secureConnectString()), config.sessionTimeout());
    }
}
