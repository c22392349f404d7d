package dev.skep.state;

import dev.skep.model.HostMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's heartbeat: an ephemeral node whose data (this host's clock, for a human reading it, and the memory it
 * has free, for placement) is rewritten every interval. The leader times the changes with its own clock ({@link HeartbeatWatch}), so a
 * host killed outright is known dead in about two seconds instead of a whole session timeout. The node is
 * a {@link PersistentNode}: it comes back on a new session, like the agent's own node.
 */
final class AgentHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentHeartbeat.class);

    private final PersistentNode node;
    private final ScheduledExecutorService timer;
    private volatile boolean warned;

    /** The memory budget whose free part each beat carries (the agent's registered memory), 0 for none. */
    private final long memoryBudget;

    AgentHeartbeat(CuratorFramework zk, String agentId, Duration interval, long memoryBudget) {
        this.memoryBudget = memoryBudget;
        node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, Paths.heartbeat(agentId), beat(), true);
        node.start();
        timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("heartbeat-" + agentId).daemon().unstarted(r));
        timer.scheduleAtFixedRate(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            node.setData(beat()); // asynchronous: a beat while ZooKeeper is away lands with the node's re-creation
            warned = false;
        } catch (IllegalStateException notCreatedYet) {
            // ZooKeeper has not answered the first create yet: the node carries a fresh beat when it does
        } catch (Exception e) {
            if (!warned) {
                warned = true;
                log.warn("event=agent.heartbeat-failed path={} error=\"{}\" next=\"retried every beat\"",
                        node.getActualPath(), e.toString());
            }
        }
    }

    /** "MILLIS FREE": this host's clock, and what its memory has free now (bytes), for placement. */
    private byte[] beat() {
        long free = memoryBudget > 0 ? HostMemory.freeOf(memoryBudget) : 0;
        return (System.currentTimeMillis() + " " + free).getBytes(StandardCharsets.US_ASCII);
    }

    /** The free memory a beat carries, or -1 when it carries none (an older agent's beat). */
    static long memoryFree(byte[] beat) {
        String[] parts = beat == null ? new String[0] : new String(beat, StandardCharsets.US_ASCII).strip().split(" ");
        try {
            return parts.length >= 2 ? Long.parseLong(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            node.close();
        } catch (IOException e) {
            log.debug("event=agent.heartbeat-close-failed error=\"{}\"", e.toString());
        }
    }
}
