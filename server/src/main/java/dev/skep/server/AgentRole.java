package dev.skep.server;

import dev.skep.model.ClusterState;
import dev.skep.model.EventSink;
import dev.skep.model.SlugStore;
import dev.skep.supervise.Agent;
import dev.skep.supervise.AgentConfig;
import dev.skep.supervise.InstanceBoard;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

/** The agent role: runs the instances the scheduler assigns to this host. */
final class AgentRole {

    private AgentRole() {
    }

    static Agent start(Lifecycle life, ServerConfig config, Path data, ClusterState state, SlugStore slugs,
                       EventSink events, Clock clock) {
        return start(life, config, data, state, slugs, events, clock, null, null, null, new InstanceBoard());
    }

    /** @param resources what the agent says of its host (memory, labels), or null for what it finds */
    static Agent start(Lifecycle life, ServerConfig config, Path data, ClusterState state, SlugStore slugs,
                       EventSink events, Clock clock, dev.skep.supervise.AgentResources resources) {
        return start(life, config, data, state, slugs, events, clock, null, null, resources, new InstanceBoard());
    }

    static Agent start(Lifecycle life, ServerConfig config, Path data, ClusterState state, SlugStore slugs,
                       EventSink events, Clock clock, MonitorRole monitor,
                       dev.skep.model.limits.ResourceLimits limits, InstanceBoard board) {
        return start(life, config, data, state, slugs, events, clock, monitor, limits, null, board);
    }

    /**
     * @param monitor lends heartbeat env and health checks; null where no monitor runs in this process
     * @param limits  what each instance may use (cgroups), or null for none
     * @param board   where its runners post their statuses (the monitor samples what is on it)
     */
    static Agent start(Lifecycle life, ServerConfig config, Path data, ClusterState state, SlugStore slugs,
                       EventSink events, Clock clock, MonitorRole monitor,
                       dev.skep.model.limits.ResourceLimits limits, dev.skep.supervise.AgentResources resources,
                       InstanceBoard board) {
        return start(life, config, data, state, slugs, events, clock, monitor, limits, resources, board, agent -> { });
    }

    /** @param beforeStart what the caller sets on the agent before it starts (orphan stop, for `skep agent`) */
    static Agent start(Lifecycle life, ServerConfig config, Path data, ClusterState state, SlugStore slugs,
                       EventSink events, Clock clock, MonitorRole monitor,
                       dev.skep.model.limits.ResourceLimits limits, dev.skep.supervise.AgentResources resources,
                       InstanceBoard board, Consumer<Agent> beforeStart) {
        Agent agent = life.add("agent", new Agent(agentConfig(config, data), state, slugs, events, clock,
                monitor == null ? dev.skep.supervise.AgentHooks.none() : monitor.agentHooks(), limits, board));
        if (resources != null) {
            agent.resources(resources);
        }
        beforeStart.accept(agent);
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
