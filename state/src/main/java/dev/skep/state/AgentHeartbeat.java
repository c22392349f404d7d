package dev.skep.state;

import dev.skep.model.HeartbeatPace;
import dev.skep.model.HostMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's heartbeat: an ephemeral node whose data (this host's clock, for a human reading it, and the memory it
 * has free, for placement) is rewritten every interval. The leader times the changes with its own clock ({@link HeartbeatWatch}), so a
 * host killed outright is known dead in about two seconds instead of a whole session timeout. The node is
 * a {@link PersistentNode}: it comes back on a new session, like the agent's own node. The interval is the
 * {@link HeartbeatPace} the leader publishes on /skep-heartbeats (watched here), the given one while none is.
 */
final class AgentHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentHeartbeat.class);

    private final PersistentNode node;
    private final CuratorFramework zk;
    private final ScheduledExecutorService timer;
    private final CuratorCache pace;
    private final Duration unpublished;
    private final String agentId;
    private ScheduledFuture<?> beating; // guarded by this
    private Duration interval; // guarded by this
    private volatile boolean warned;
    private volatile long lastBeat = System.nanoTime(); // the node's creation counts as one

    /** The memory budget whose free part each beat carries (the agent's registered memory), 0 for none. */
    private final long memoryBudget;

    /** @param interval how often to beat while no pace is published */
    AgentHeartbeat(CuratorFramework zk, String agentId, Duration interval, long memoryBudget) {
        this.memoryBudget = memoryBudget;
        this.zk = zk;
        this.agentId = agentId;
        this.unpublished = interval;
        node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, Paths.heartbeat(agentId), beat(), true);
        node.start();
        timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("heartbeat-" + agentId).daemon().unstarted(r));
        synchronized (this) {
            this.interval = interval;
            beating = timer.scheduleAtFixedRate(this::tick, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        pace = CuratorCache.build(zk, Paths.HEARTBEATS, CuratorCache.Options.SINGLE_NODE_CACHE);
        pace.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> paced(after))
                .forDeletes(gone -> repace(unpublished))
                .build());
        pace.start();
    }

    private void paced(ChildData data) {
        repace(HeartbeatPace.parse(data.getData()).map(HeartbeatPace::interval).orElse(unpublished));
    }

    /**
     * Beats every {@code next} from now on, the first within a random part of it: all agents hear of a change at
     * once, and their first beats at the new pace should not land at once. The first comes at the latest one new
     * interval after the last beat, which the leader's watch allows for (it holds a slower pace's silence that long
     * and more); timed from now instead, paces changing faster than the beat (a cluster growing by hundreds of agents)
     * put the next beat off again at every change, and the agent fell silent.
     */
    private synchronized void repace(Duration next) {
        if (next.equals(interval) || timer.isShutdown()) {
            return;
        }
        beating.cancel(false);
        long millis = next.toMillis();
        long first = new HeartbeatPace(next).firstBeatMillis(ThreadLocalRandom.current().nextLong(millis),
                (System.nanoTime() - lastBeat) / 1_000_000);
        beating = timer.scheduleAtFixedRate(this::tick, first, millis, TimeUnit.MILLISECONDS);
        log.info("event=agent.heartbeat-paced agent={} interval_ms={} was_ms={}", agentId, millis, interval.toMillis());
        interval = next;
    }

    private void tick() {
        lastBeat = System.nanoTime();
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

    /** How often this agent beats now. */
    synchronized Duration interval() {
        return interval;
    }

    @Override
    public void close() {
        pace.close();
        timer.shutdownNow();
        if (!zk.getZookeeperClient().isConnected()) {
            // cut off: the node is ephemeral and goes with the session, and its delete would retry against a server
            // that does not answer (it held an agent's stop for 24-50 s): closed in the background, so it is not
            // made again on a new session, and the stop goes on
            log.info("event=agent.heartbeat-left agent={} why=\"ZooKeeper is unreachable\" effect=\"the node goes "
                    + "with the session\"", agentId);
            Thread.ofVirtual().name("heartbeat-close-" + agentId).start(this::closeNode);
            return;
        }
        closeNode();
    }

    private void closeNode() {
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            log.debug("event=agent.heartbeat-close-failed agent={} error=\"{}\"", agentId, e.toString());
        }
    }
}
