package dev.skep.state;

import dev.skep.model.AgentLiveness;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the agents' heartbeats ({@link AgentHeartbeat}) and times them with this process's own
 * monotonic clock (hosts' clocks are never compared). An agent is silent when its beat has not changed for
 * {@code silence} while this process was connected all along: a controller that is itself cut off, or has
 * just come back, concludes nothing (static stability: its own blindness is not the agents' death).
 */
public final class HeartbeatWatch implements AgentLiveness, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatWatch.class);
    private static final long DISCONNECTED = Long.MIN_VALUE;

    private final long silenceNanos;
    private final long settleNanos;
    private final LongSupplier nanoClock;
    private final CuratorCache cache;
    private final Map<String, Long> lastBeat = new ConcurrentHashMap<>();
    private final Map<String, Long> memoryFree = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("heartbeat-watch").daemon().unstarted(r));
    private volatile long connectedAt;
    private Set<String> lastSilent = Set.of(); // timer thread only
    private boolean lastSettled; // timer thread only

    /**
     * @param silence how long a beat may stay unchanged before its agent counts as dead
     * @param settle  how long after a (re)connection a missing agent node may mean a dead agent: the session
     *                timeout, within which every live agent has put its node back after a shared outage
     */
    public HeartbeatWatch(CuratorFramework zk, Duration silence, Duration settle) {
        this(zk, silence, settle, System::nanoTime);
    }

    HeartbeatWatch(CuratorFramework zk, Duration silence, Duration settle, LongSupplier nanoClock) {
        this.silenceNanos = silence.toNanos();
        this.settleNanos = settle.toNanos();
        this.nanoClock = nanoClock;
        this.connectedAt = zk.getZookeeperClient().isConnected() ? nanoClock.getAsLong() : DISCONNECTED;
        zk.getConnectionStateListenable().addListener((client, state) -> {
            // a (re)connection times every agent afresh: beats missed while away say nothing about the agents
            connectedAt = state.isConnected() ? nanoClock.getAsLong() : DISCONNECTED;
        });
        this.cache = CuratorCache.build(zk, Paths.HEARTBEATS);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> beat(after))
                .forDeletes(gone -> agent(gone).ifPresent(this::ended))
                .build());
        cache.start();
        long tick = Math.max(50, Math.min(250, silence.toMillis() / 8));
        timer.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.MILLISECONDS);
    }

    private void beat(ChildData node) {
        agent(node).ifPresent(agent -> {
            gone.remove(agent);
            lastBeat.put(agent, nanoClock.getAsLong());
            long free = AgentHeartbeat.memoryFree(node.getData());
            if (free >= 0) {
                memoryFree.put(agent, free);
            }
        });
    }

    /**
     * An agent's heartbeat node is gone: its session ended. It stays silent (not forgotten) until it beats again:
     * its agent node, watched by another cache, may still be there a moment, and a forgotten agent with a node
     * would count as alive in that moment (and be given work). Forgotten after {@link #FORGET_AFTER}.
     */
    private void ended(String agent) {
        long now = nanoClock.getAsLong();
        lastBeat.put(agent, now - silenceNanos);
        gone.put(agent, now);
        memoryFree.remove(agent);
    }

    private static final long FORGET_AFTER = Duration.ofMinutes(1).toNanos();
    private final Map<String, Long> gone = new ConcurrentHashMap<>();

    @Override
    public Map<String, Long> memoryFree() {
        return Map.copyOf(memoryFree);
    }

    private static Optional<String> agent(ChildData node) {
        String path = node.getPath();
        return path.length() > Paths.HEARTBEATS.length() + 1
                ? Optional.of(path.substring(Paths.HEARTBEATS.length() + 1)) : Optional.empty();
    }

    /** Runs {@code listener} (on the watch's timer) each time the silent set or {@link #settled} changes. */
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Set<String> silent() {
        long since = connectedAt;
        long now = nanoClock.getAsLong();
        if (since == DISCONNECTED || now - since < silenceNanos) {
            return Set.of();
        }
        Set<String> silent = new HashSet<>();
        lastBeat.forEach((agent, at) -> {
            if (now - Math.max(at, since) >= silenceNanos) {
                silent.add(agent);
            }
        });
        return silent;
    }

    @Override
    public boolean settled() {
        long since = connectedAt;
        return since != DISCONNECTED && nanoClock.getAsLong() - since >= settleNanos;
    }

    private void check() {
        try {
            long now = nanoClock.getAsLong();
            gone.entrySet().removeIf(e -> {
                boolean forget = now - e.getValue() > FORGET_AFTER;
                if (forget) {
                    lastBeat.remove(e.getKey());
                }
                return forget;
            });
            Set<String> silent = silent();
            boolean settled = settled();
            if (silent.equals(lastSilent) && settled == lastSettled) {
                return;
            }
            for (String agent : silent) {
                if (!lastSilent.contains(agent)) {
                    log.warn("event=agent.silent agent={} silence_ms={} next=\"the leader places its instances elsewhere\"",
                            agent, silenceNanos / 1_000_000);
                }
            }
            lastSilent = silent;
            lastSettled = settled;
            listeners.forEach(Runnable::run);
        } catch (RuntimeException e) {
            log.error("event=agent.heartbeat-check-failed error=\"{}\"", e.toString(), e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        cache.close();
    }
}
