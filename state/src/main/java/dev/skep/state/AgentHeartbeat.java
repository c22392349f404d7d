package dev.skep.state;

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
 * An agent's heartbeat: an ephemeral node whose data (this host's clock, for a human reading it) is
 * rewritten every interval. The leader times the changes with its own clock ({@link HeartbeatWatch}), so a
 * host killed outright is known dead in about two seconds instead of a whole session timeout. The node is
 * a {@link PersistentNode}: it comes back on a new session, like the agent's own node.
 */
final class AgentHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentHeartbeat.class);

    private final PersistentNode node;
    private final ScheduledExecutorService timer;
    private volatile boolean warned;

    AgentHeartbeat(CuratorFramework zk, String agentId, Duration interval) {
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

    private static byte[] beat() {
        return Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            node.close();
        } catch (java.io.IOException e) {
            log.debug("event=agent.heartbeat-close-failed error=\"{}\"", e.toString());
        }
    }
}
