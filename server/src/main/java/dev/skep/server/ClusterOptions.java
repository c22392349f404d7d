package dev.skep.server;

import dev.skep.model.AppId;
import dev.skep.model.DataDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Flags every cluster role with a data dir shares (agent, controller): the ensemble, the data dir, the address. */
final class ClusterOptions {

    @Mixin
    EnsembleOptions ensemble = new EnsembleOptions();

    @Option(names = "--data-dir", description = "this role's own files (default: $SKEP_DATA_DIR, else ~/.skep; /var/lib/skep for root)")
    Path dataDir;

    @Option(names = "--advertise", description = "the address other hosts reach this one at (default: this host's address)")
    String advertise;

    Path data(Map<String, String> env) {
        return DataDirs.orDefault(dataDir, env);
    }

    String advertiseHost() throws IOException {
        return advertise != null ? advertise : InetAddress.getLocalHost().getHostAddress();
    }

    static String id(String given, Path data) throws IOException {
        return given != null ? AppId.requireName("id", given) : ServerCommand.persistentAgentId(data);
    }
}
