package dev.skep.server;

import dev.skep.state.ZkSecurePort;
import dev.skep.state.ZkTls;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a role's state is and how it reaches it: an external ensemble, or (`skep server` without --zk) the embedded
 * ZooKeeper it runs. Exactly one of {@code ensemble} and {@code embedded} is set.
 *
 * @param ensemble       an external ensemble ("h1:2181,h2:2181"), or null for the embedded one
 * @param secret         with an ensemble: the file of the secret that locks skep's nodes (digest ACL), the same on
 *                       every skep host; null leaves them open to whoever reaches the ensemble
 * @param tls            with an ensemble: reach it over TLS with these stores, or null (plain)
 * @param sessionTimeout this role's session: silent this long, it is taken for dead (--zk-session-timeout)
 * @param embedded       the embedded ZooKeeper's listeners, or null with an ensemble
 */
public record ZkSettings(String ensemble, Path secret, ZkTls tls, Duration sessionTimeout, Embedded embedded) {

    public ZkSettings {
        if ((ensemble == null) == (embedded == null)) {
            throw new IllegalArgumentException("either an ensemble or the embedded ZooKeeper, found "
                    + (ensemble == null ? "neither" : "both"));
        }
    }

    /**
     * The ZooKeeper `skep server` runs under its data dir.
     *
     * @param bind       address it listens on (loopback unless remote agents and routers join)
     * @param port       its port (0: any free one)
     * @param sync       fsync its log on every write (off: see EmbeddedZooKeeper)
     * @param securePort its TLS port for other hosts' roles, or null (none)
     */
    public record Embedded(String bind, int port, boolean sync, ZkSecurePort securePort) {
    }

    public static ZkSettings ensemble(String ensemble, Path secret, ZkTls tls, Duration sessionTimeout) {
        return new ZkSettings(ensemble, secret, tls, sessionTimeout, null);
    }

    /** No secret file nor TLS of the client's: the embedded one keeps its secret in the data dir, and is reached on
     *  loopback. */
    public static ZkSettings embedded(Embedded server, Duration sessionTimeout) {
        return new ZkSettings(null, null, null, sessionTimeout, server);
    }

    /** One host (`skep server` alone): the state is this process's own. */
    public boolean isEmbedded() {
        return embedded != null;
    }
}
