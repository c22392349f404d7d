package dev.skep.server;

import dev.skep.server.options.ZkTlsOptions;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Flags of a role that joins an existing ensemble (agent, controller, router, edge haproxy): where it is, the secret
 * that locks skep's state in it, TLS to it and the session's timeout. {@code skep server} names the ensemble differently (optional: without
 * it, an embedded one), so it declares its own.
 */
final class EnsembleOptions {

    @Option(names = "--zk", required = true, description = "the ZooKeeper ensemble, host:port[,host:port...]")
    String zookeeper;

    @Option(names = "--zk-secret", paramLabel = "FILE", description = "the secret that locks skep's state in the "
            + "ensemble (ZooKeeper digest ACL): one file (mode 600, openssl rand -hex 32) copied to every skep host")
    Path zkSecret;

    @Mixin
    ZkTlsOptions zkTls = new ZkTlsOptions();

    @Mixin
    ZkSessionOption session = new ZkSessionOption();

    /** The ensemble as these flags name it; a bad TLS store or session timeout is a usage error. */
    ZkSettings settings() throws IOException {
        return ZkSettings.ensemble(zookeeper, zkSecret, zkTls.tls(), session.timeout());
    }
}
