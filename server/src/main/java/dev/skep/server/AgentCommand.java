package dev.skep.server;

import dev.skep.deploy.slug.RemoteSlugStore;
import dev.skep.model.DataDirs;
import dev.skep.model.Labels;
import dev.skep.model.limits.ByteSize;
import dev.skep.supervise.AgentResources;
import dev.skep.supervise.AgentSetup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** `skep agent --zk HOSTS`: a host that runs app instances, with slugs fetched from a controller. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run app instances on this host for a skep cluster (needs a controller and ZooKeeper).")
public final class AgentCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    AgentHostOptions host = new AgentHostOptions();

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label apps' constraints can ask for "
            + "(skep set USER/APP --constraint zone=a); repeatable: --label zone=a --label disk=ssd")
    List<String> labels = new ArrayList<>();

    @Option(names = "--memory", paramLabel = "SIZE", description = "memory skep's apps may have on this host, e.g. 8g "
            + "(default: the host's total); a new instance is placed here only while 512 MiB of it is free")
    String memory;

    @Option(names = "--orphan-stop", defaultValue = "30", paramLabel = "SECONDS", description = "stop this host's "
            + "instances when this agent is gone (killed, not restarted) for this long: the cluster has moved them "
            + "elsewhere by then; 0: never (default: ${DEFAULT-VALUE})")
    int orphanStopSeconds;

    /** What this agent tells the scheduler of its host; a bad label or size is a usage error. */
    AgentResources resources(CommandLine cli) {
        Map<String, String> given = new TreeMap<>();
        try {
            for (String label : labels) {
                var pair = Labels.parse("--label", label);
                given.put(pair.getKey(), pair.getValue());
            }
            long bytes = memory == null ? 0 : ByteSize.parse("--memory", memory);
            return AgentResources.detect(bytes, 0, given);
        } catch (RuntimeException e) {
            throw new ParameterException(cli, e.getMessage());
        }
    }

    /** The agent's settings from its flags; {@code searchPath} only finds node. */
    AgentSettings settings(Path data, String searchPath) throws IOException {
        long appDiskBytes = ServerCommand.appDiskBytes(new CommandLine(this), host.appDisk);
        int[] ports = host.appPorts();
        return host.settings(ClusterOptions.id(host.agentId, SkepServer.passThroughDir(data)), cluster.advertiseHost(),
                searchPath, ports, appDiskBytes);
    }

    @Override
    public Integer call() throws Exception {
        AgentResources resources = resources(new CommandLine(this));
        Path data = cluster.data(System.getenv());
        AgentSettings config = settings(data, System.getenv("PATH"));
        ZkSettings zk = cluster.ensemble.settings();
        return RoleRunner.run("agent", life -> {
            if (DataDirs.runningAsRoot()) {
                SkepServer.requireTraversable(data);
            }
            StateRole state = StateRole.open(life, zk, data, Clock.systemUTC());
            RemoteSlugStore slugs = new RemoteSlugStore(SkepServer.localSlugs(data), state.controllers()::urls,
                    state.controllers()::clusterToken);
            if (orphanStopSeconds < 0) {
                throw new IllegalArgumentException("--orphan-stop must be 0 (off) or a number of seconds, found "
                        + orphanStopSeconds);
            }
            AgentSetup setup = AgentSetup.plain().withResources(resources);
            if (orphanStopSeconds > 0) {
                ControllerAssignmentCheck check = life.add("assignment check",
                        new ControllerAssignmentCheck(state.state(), state.controllers()));
                setup = setup.withOrphanStop(new AgentSetup.OrphanStop(Duration.ofSeconds(orphanStopSeconds), check));
            }
            AgentRole.start(life, config, data, state, slugs, new LogEvents(), Clock.systemUTC(), setup);
        });
    }
}
