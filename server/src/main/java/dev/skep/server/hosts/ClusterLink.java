package dev.skep.server.hosts;

import dev.skep.state.StateConnection;
import dev.skep.state.ZkAcl;
import dev.skep.state.ZkClusterState;
import dev.skep.state.ZkTls;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** `skep hosts`' own session with the cluster's ZooKeeper: who joined, what runs where, draining. */
final class ClusterLink implements AutoCloseable {

    private static final Duration CONNECT = Duration.ofSeconds(30);

    private final StateConnection connection;
    private final ZkClusterState state;

    private ClusterLink(StateConnection connection, ZkClusterState state) {
        this.connection = connection;
        this.state = state;
    }

    /** @param tls the ensemble's TLS settings, or null for a plain connection */
    static ClusterLink open(String zk, Path secret, ZkTls tls) throws IOException {
        // 30 s as the roles wait: a fresh JVM's first TLS handshake on a busy host took past 15 s (CI, load ~20)
        StateConnection connection = StateConnection.open(zk, Duration.ofSeconds(10), CONNECT, ZkAcl.fromFile(secret),
                tls);
        try {
            return new ClusterLink(connection, new ZkClusterState(connection.client(), Clock.systemUTC()));
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    ZkClusterState state() {
        return state;
    }

    @Override
    public void close() {
        state.close();
        connection.close();
    }
}
