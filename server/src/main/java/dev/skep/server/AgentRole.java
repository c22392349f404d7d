package dev.skep.server;

import dev.skep.model.EventSink;
import dev.skep.model.SlugStore;
import dev.skep.supervise.Agent;
import dev.skep.supervise.AgentConfig;
import dev.skep.supervise.AgentSetup;
import java.nio.file.Path;
import java.time.Clock;

/** The agent role: runs the instances the scheduler assigns to this host. */
final class AgentRole {

    private AgentRole() {
    }

    /** @param setup what the agent gets beside its config: hooks, limits, board, host resources, orphan stop */
    static Agent start(Lifecycle life, ServerConfig config, Path data, StateRole state, SlugStore slugs,
                       EventSink events, Clock clock, AgentSetup setup) {
        // the state's ZooKeeper is closed to apps: they share 127.0.0.1 with skep, where no per-address cap can tell
        Agent agent = life.add("agent", new Agent(agentConfig(config, data).withClosedPorts(state.zooKeeperPorts()),
                state.state(), slugs, events, clock, setup));
        agent.start();
        return agent;
    }

    /** The agent's settings from the server's: where it keeps its data, ports, timeouts, disk quota. */
    static AgentConfig agentConfig(ServerConfig config, Path data) {
        return AgentConfig.defaults(config.agentId(), config.advertiseHost(),
                        data.resolve("agent"), AgentConfig.findNode(config.searchPath()))
                .withPorts(config.appPortMin(), config.appPortMax())
                .withTimeouts(config.startTimeout(), config.stopGrace())
                .withDrainDelay(config.drainTimeout())
                .withKeepApps(config.keepApps())
                .withDiskQuota(config.appDisk())
                // the same cache as this host's builds (NodeBuilder's, next to npm-cache): one download per host
                .withNodeCache(data.resolve("node"));
    }
}
