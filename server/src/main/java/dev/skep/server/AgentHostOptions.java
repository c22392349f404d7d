package dev.skep.server;

import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Flags of a host that runs app instances, the same for `skep server` and `skep agent`. */
final class AgentHostOptions {

    @Option(names = "--app-ports", defaultValue = "20000-29999", description = "ports handed to apps (default: ${DEFAULT-VALUE})")
    String appPorts;

    @Option(names = "--agent-id", description = "this host's agent id (default: from the host name, kept in the data dir)")
    String agentId;

    @Mixin
    StartTimeoutOption start = new StartTimeoutOption();

    @Option(names = "--drain-timeout", defaultValue = "10", description = "seconds a withdrawn instance may take "
            + "to finish its requests, out of every router, before SIGTERM (default: ${DEFAULT-VALUE})")
    int drainSeconds;

    @Option(names = "--keep-apps", description = "leave apps running when skep stops (the next start re-adopts them)")
    boolean keepApps;

    @Option(names = "--app-disk", defaultValue = "1g", paramLabel = "SIZE", description = "disk each app may fill on "
            + "this host: its volumes and its instances' writable copies, e.g. 1g, 512m (default: ${DEFAULT-VALUE}); "
            + "held by the kernel when skep is root (a filesystem image per app), else measured")
    String appDisk;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** --app-ports as its two ends; a usage error when it is no range of ports. */
    int[] appPorts() {
        try {
            return PortRange.parse(appPorts);
        } catch (IllegalArgumentException e) {
            throw FlagError.of(command, e);
        }
    }

    /** The agent's settings from these flags and what the command resolves itself. */
    AgentSettings settings(String id, String advertiseHost, String searchPath, int[] appPorts, long appDiskBytes) {
        return new AgentSettings(id, advertiseHost, searchPath, appPorts[0], appPorts[1], start.duration(),
                Duration.ofSeconds(drainSeconds), keepApps, appDiskBytes);
    }
}
