package dev.skep.state;

import dev.skep.model.AgentLiveness;
import dev.skep.model.HeartbeatPace;
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
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the agents' heartbeats ({@link AgentHeartbeat}) and times them with this process's own
 * monotonic clock (hosts' clocks are never compared). An agent is silent when its beat has not changed for the
 * silence of the published {@link HeartbeatPace} (of the slower pace while a change is under way, {@link PaceWindow})
 * while this process was connected all along: a controller that is itself cut off, or has just come back, concludes
 * nothing (static stability: its own blindness is not the agents' death). On the leader it also publishes the pace
 * ({@link #publishPaceWhile}): slower as agents join, so their beats stay under the ensemble's cap.
 */
public final class HeartbeatWatch implements AgentLiveness, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatWatch.class);
    private static final long DISCONNECTED = Long.MIN_VALUE;

    private final long settleNanos;
    private final int maxBeatsPerSecond;
    private final LongSupplier nanoClock;
    private final CuratorFramework zk;
    private final CuratorCache cache;
    private final PaceWindow paces = new PaceWindow(HeartbeatPace.initial());
    private final Map<String, Long> lastBeat = new ConcurrentHashMap<>();
    private final Map<String, Long> memoryFree = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("heartbeat-watch").daemon().unstarted(r));
    private volatile long connectedAt;
    /** What /skep-heartbeats says now (the initial pace while it says nothing). */
    private volatile HeartbeatPace published = HeartbeatPace.initial();
    private volatile BooleanSupplier publishing = () -> false;
    /** The cache has read every heartbeat node once: before, a count of them would be too low. */
    private volatile boolean loaded;
    private Set<String> lastSilent = Set.of(); // timer thread only
    private boolean lastSettled; // timer thread only

    /**
     * @param settle how long after a (re)connection a missing agent node may mean a dead agent: the session
     *               timeout, within which every live agent has put its node back after a shared outage
     */
    public HeartbeatWatch(CuratorFramework zk, Duration settle) {
        this(zk, settle, HeartbeatPace.MAX_BEATS_PER_SECOND, System::nanoTime);
    }

    HeartbeatWatch(CuratorFramework zk, Duration settle, int maxBeatsPerSecond, LongSupplier nanoClock) {
        this.zk = zk;
        this.settleNanos = settle.toNanos();
        this.maxBeatsPerSecond = maxBeatsPerSecond;
        this.nanoClock = nanoClock;
        this.connectedAt = zk.getZookeeperClient().isConnected() ? nanoClock.getAsLong() : DISCONNECTED;
        zk.getConnectionStateListenable().addListener((client, state) -> {
            // a (re)connection times every agent afresh: beats missed while away say nothing about the agents
            connectedAt = state.isConnected() ? nanoClock.getAsLong() : DISCONNECTED;
        });
        this.cache = CuratorCache.build(zk, Paths.HEARTBEATS);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> changed(after))
                .forDeletes(gone -> {
                    if (gone.getPath().equals(Paths.HEARTBEATS)) {
                        paceSeen(HeartbeatPace.initial());
                    } else {
                        agent(gone).ifPresent(this::ended);
                    }
                })
                .forInitialized(() -> loaded = true)
                .build());
        cache.start();
        long tick = Math.max(50, Math.min(250, HeartbeatPace.initial().silence().toMillis() / 8));
        timer.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Publishes the pace for the agents beating now while {@code leader} says so (the elected leader only: one
     * writer). Checked on the watch's timer.
     */
    public void publishPaceWhile(BooleanSupplier leader) {
        this.publishing = leader;
    }

    /** The pace agents are asked to beat at, as this watch last saw it. */
    public HeartbeatPace pace() {
        return paces.current();
    }

    private void changed(ChildData node) {
        if (node.getPath().equals(Paths.HEARTBEATS)) {
            paceSeen(HeartbeatPace.parse(node.getData()).orElse(HeartbeatPace.initial()));
        } else {
            beat(node);
        }
    }

    private void paceSeen(HeartbeatPace pace) {
        published = pace;
        HeartbeatPace before = paces.current();
        paces.seen(pace, nanoClock.getAsLong());
        if (!pace.equals(before)) {
            log.info("event=agent.heartbeat-pace interval_ms={} silence_ms={}", pace.interval().toMillis(),
                    silenceNanos() / 1_000_000);
        }
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
        gone.put(agent, nanoClock.getAsLong());
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

    private long silenceNanos() {
        return paces.silenceNanos(nanoClock.getAsLong());
    }

    @Override
    public Set<String> silent() {
        long since = connectedAt;
        long now = nanoClock.getAsLong();
        long silence = paces.silenceNanos(now);
        if (since == DISCONNECTED || now - since < silence) {
            return Set.of();
        }
        Set<String> silent = new HashSet<>(gone.keySet());
        lastBeat.forEach((agent, at) -> {
            if (now - Math.max(at, since) >= silence) {
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
            if (loaded && connectedAt != DISCONNECTED && publishing.getAsBoolean()) {
                publishPace();
            }
            Set<String> silent = silent();
            boolean settled = settled();
            if (silent.equals(lastSilent) && settled == lastSettled) {
                return;
            }
            for (String agent : silent) {
                if (!lastSilent.contains(agent)) {
                    // session-ended: its node went with its session; no-beat: its node is there, unchanged too long
                    log.warn("event=agent.silent agent={} reason={} silence_ms={} next=\"the leader places its "
                            + "instances elsewhere\"", agent, gone.containsKey(agent) ? "session-ended" : "no-beat",
                            silenceNanos() / 1_000_000);
                }
            }
            lastSilent = silent;
            lastSettled = settled;
            listeners.forEach(Runnable::run);
        } catch (RuntimeException e) {
            log.error("event=agent.heartbeat-check-failed error=\"{}\"", e.toString(), e);
        }
    }

    /**
     * The leader's part: the pace for the agents whose heartbeat nodes exist now, written to /skep-heartbeats when it
     * differs from what is there. A slower pace is counted here first, so this leader never calls an agent silent
     * that slowed on reading it; a faster one counts once the cache hears it back (and the slower is held a while).
     */
    private void publishPace() {
        int agents = (int) cache.stream().filter(node -> agent(node).isPresent()).count();
        HeartbeatPace now = published;
        HeartbeatPace next = now.next(agents, maxBeatsPerSecond);
        if (next.equals(now)) {
            return;
        }
        if (next.interval().compareTo(paces.current().interval()) > 0) {
            paces.seen(next, nanoClock.getAsLong());
        }
        try {
            try {
                zk.setData().forPath(Paths.HEARTBEATS, next.bytes());
            } catch (KeeperException.NoNodeException none) {
                zk.create().creatingParentsIfNeeded().forPath(Paths.HEARTBEATS, next.bytes());
            }
            published = next; // not written again before the cache hears it back
            log.info("event=agent.heartbeat-pace-published agents={} interval_ms={} was_ms={} beats_per_s_cap={}",
                    agents, next.interval().toMillis(), now.interval().toMillis(), maxBeatsPerSecond);
        } catch (Exception e) {
            log.warn("event=agent.heartbeat-pace-publish-failed interval_ms={} error=\"{}\" next=\"retried next tick\"",
                    next.interval().toMillis(), e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        cache.close();
    }
}
