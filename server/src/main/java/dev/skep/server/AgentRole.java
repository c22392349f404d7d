package dev.skep.server;

import dev.skep.model.EventSink;
import dev.skep.model.SlugStore;
import dev.skep.supervise.Agent;
import dev.skep.supervise.AgentConfig;
import dev.skep.supervise.AgentSetup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The agent role: runs the instances the scheduler assigns to this host. */
final class AgentRole {

    /** SIGTERM to SIGKILL of an instance being stopped: no flag sets it. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private AgentRole() {
    }

    /** @param setup what the agent gets beside its config: hooks, limits, board, host resources, orphan stop */
    static Agent start(Lifecycle life, AgentSettings config, Path data, StateRole state, SlugStore slugs,
                       EventSink events, Clock clock, AgentSetup setup) {
        // the state's ZooKeeper is closed to apps: they share 127.0.0.1 with skep, where no per-address cap can tell
        Agent agent = life.add("agent", new Agent(agentConfig(config, data).withClosedPorts(state.zooKeeperPorts()),
                state.state(), slugs, events, clock, setup));
        agent.start();
        return agent;
    }

    /** The agent's settings from the server's: where it keeps its data, ports, timeouts, disk quota. */
    static AgentConfig agentConfig(AgentSettings config, Path data) {
        return AgentConfig.defaults(config.id(), config.advertiseHost(),
                        data.resolve("agent"), AgentConfig.findNode(config.searchPath()))
                .withPorts(config.appPortMin(), config.appPortMax())
                .withTimeouts(config.startTimeout(), STOP_GRACE)
                .withDrainDelay(config.drainTimeout())
                .withKeepApps(config.keepApps())
                .withDiskQuota(config.appDisk())
                // the same cache as this host's builds (NodeBuilder's, next to npm-cache): one download per host
                .withNodeCache(data.resolve("node"));
    }
}
