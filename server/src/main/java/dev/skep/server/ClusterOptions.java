package dev.skep.server;

import dev.skep.model.AppId;
import dev.skep.model.DataDirs;
import dev.skep.server.options.ZkTlsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Flags every cluster role shares: the ensemble and the data dir. */
final class ClusterOptions {

    @Option(names = "--zk", required = true, description = "the ZooKeeper ensemble, host:port[,host:port...]")
    String zookeeper;

    static final String ZK_SECRET_HELP = "the secret that locks skep's state in the ensemble (ZooKeeper digest "
            + "ACL): one file (mode 600, openssl rand -hex 32) copied to every skep host";

    @Option(names = "--zk-secret", paramLabel = "FILE", description = ZK_SECRET_HELP)
    Path zkSecret;

    @picocli.CommandLine.Mixin
    ZkTlsOptions zkTls = new ZkTlsOptions();

    @Option(names = "--data-dir", description = "this role's own files (default: $SKEP_DATA_DIR, else ~/.skep; /var/lib/skep for root)")
    Path dataDir;

    @Option(names = "--advertise", description = "the address other hosts reach this one at (default: this host's address)")
    String advertise;

    Path data(Map<String, String> env) {
        return (dataDir != null ? dataDir
                : DataDirs.resolve(env, Path.of(System.getProperty("user.home")), DataDirs.runningAsRoot()))
                .toAbsolutePath();
    }

    String advertiseHost() throws IOException {
        return advertise != null ? advertise : InetAddress.getLocalHost().getHostAddress();
    }

    static String id(String given, Path data) throws IOException {
        return given != null ? AppId.requireName("id", given) : ServerCommand.persistentAgentId(data);
    }
}
