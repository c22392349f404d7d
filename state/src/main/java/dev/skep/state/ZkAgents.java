package dev.skep.state;

import dev.skep.model.AgentInfo;
import dev.skep.model.AgentRegistry;
import dev.skep.model.AppId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link AgentRegistry}: each live agent's ephemeral node in /skep/agents with its heartbeat, and the drained
 * ones in /skep/draining (persistent: they outlive an agent's session).
 */
final class ZkAgents implements AgentRegistry, AutoCloseable {

    private final ZkNodes nodes;
    private final EphemeralNodes ephemerals;
    private final Duration heartbeatInterval;
    private final Map<String, AgentHeartbeat> heartbeats = new HashMap<>();

    ZkAgents(ZkNodes nodes, EphemeralNodes ephemerals, Duration heartbeatInterval) {
        this.nodes = nodes;
        this.ephemerals = ephemerals;
        this.heartbeatInterval = heartbeatInterval;
    }

    @Override
    public void registerAgent(AgentInfo agent) {
        AppId.requireName("agent", agent.id());
        ephemerals.put(Paths.agent(agent.id()), Json.write(agent));
        synchronized (heartbeats) {
            heartbeats.computeIfAbsent(agent.id(), id -> new AgentHeartbeat(nodes.zk(), id, heartbeatInterval,
                    agent.memoryBytes()));
        }
    }

    @Override
    public List<AgentInfo> agents() {
        List<AgentInfo> agents = new ArrayList<>();
        for (String id : nodes.children(Paths.AGENTS)) {
            nodes.read(Paths.agent(id), AgentInfo.class).ifPresent(agents::add);
        }
        return agents;
    }

    /**
     * Read as {@link #agents()} is (ZooKeeper itself while connected, the cache while not): from the cache alone, a
     * process that had just connected (`skep hosts`) saw no agent draining until its cache had loaded.
     */
    @Override
    public Set<String> drainingAgents() {
        return new TreeSet<>(nodes.children(Paths.DRAINING));
    }

    @Override
    public void setDraining(String agentId, boolean draining) {
        AppId.requireName("agent", agentId);
        String path = Paths.draining(agentId);
        nodes.view().requireWritable((draining ? "drain" : "undrain") + " agent " + agentId);
        try {
            if (draining) {
                nodes.zk().create().orSetData().creatingParentsIfNeeded().forPath(path, new byte[0]);
                nodes.changed();
            } else {
                nodes.delete(path);
            }
        } catch (Exception e) {
            throw ZkNodes.failure((draining ? "drain" : "undrain") + " agent " + agentId, e);
        }
    }

    /** Stops the heartbeats (the agent nodes go with the session or with the ephemerals). */
    @Override
    public void close() {
        synchronized (heartbeats) {
            heartbeats.values().forEach(AgentHeartbeat::close);
            heartbeats.clear();
        }
    }
}
