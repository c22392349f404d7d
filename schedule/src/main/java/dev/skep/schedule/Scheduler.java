package dev.skep.schedule;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.ClusterSnapshot;
import dev.skep.model.ClusterState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler: on every state change (coalesced) and on a slow timer, while this process is
 * the leader, takes a snapshot, asks the {@link Planner} and applies the plan.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final ClusterState state;
    private final BooleanSupplier isLeader;
    private final Clock clock;
    private final Duration agentGrace;
    private final Map<String, java.time.Instant> agentsGoneSince = new HashMap<>(); // worker thread only
    private final ScheduledExecutorService worker;
    private final AtomicBoolean pending = new AtomicBoolean();
    /**
     * Our own writes the (watch-fed) snapshot may not show yet: without them a quick second pass
     * would place an instance twice or withdraw one twice. Touched only on the worker thread.
     */
    private final Map<String, Assignment> addedNotSeen = new HashMap<>();
    private final Map<String, Instant> removedNotSeen = new HashMap<>();
    private AutoCloseable subscription;

    public Scheduler(ClusterState state, BooleanSupplier isLeader, Clock clock) {
        this(state, isLeader, clock, Duration.ofSeconds(30));
    }

    /** @param agentGrace how long an agent may be gone before its instances are placed on others */
    public Scheduler(ClusterState state, BooleanSupplier isLeader, Clock clock, Duration agentGrace) {
        this.agentGrace = agentGrace;
        this.state = state;
        this.isLeader = isLeader;
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("scheduler").daemon().unstarted(r));
    }

    public void start(Duration resync) {
        subscription = state.onChange(this::poke);
        worker.scheduleWithFixedDelay(this::poke, 0, resync.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a pass; many pokes while one is queued make one pass. */
    public void poke() {
        if (pending.compareAndSet(false, true)) {
            worker.execute(this::pass);
        }
    }

    private void pass() {
        pending.set(false);
        if (!isLeader.getAsBoolean()) {
            agentsGoneSince.clear(); // a new leader times agents afresh, as Nomad's does
            return;
        }
        try {
            Plan plan = Planner.plan(snapshot(), clock.instant());
            for (Assignment a : plan.add()) {
                state.putAssignment(a);
                addedNotSeen.put(a.instance(), a);
                log.info("event=schedule.assigned app={} release={} instance={} agent={}",
                        a.app(), a.release().number(), a.instance(), a.agent());
            }
            for (Assignment a : plan.remove()) {
                state.removeAssignment(a.agent(), a.instance());
                removedNotSeen.put(a.instance(), clock.instant());
                log.info("event=schedule.withdrawn app={} release={} instance={} agent={}",
                        a.app(), a.release().number(), a.instance(), a.agent());
            }
        } catch (RuntimeException e) {
            log.error("event=schedule.failed error=\"{}\" next=retry on the next change", e.getMessage(), e);
        }
    }

    private ClusterView snapshot() {
        ClusterSnapshot now = state.snapshot();
        Map<AppId, Release> wanted = new HashMap<>();
        for (AppSpec app : now.apps()) {
            if (app.target() > 0) {
                now.release(app.id(), app.target()).ifPresent(r -> wanted.put(app.id(), r));
            }
        }
        Map<String, InstanceStatus> instances = now.instances().stream()
                .collect(Collectors.toMap(InstanceStatus::instance, Function.identity(), (a, b) -> b));
        var agents = now.agents();
        var assignments = withOwnWrites(now.assignments());
        java.util.Set<String> live = agents.stream().map(dev.skep.model.AgentInfo::id).collect(Collectors.toSet());
        java.util.Set<String> assigned = assignments.stream().map(Assignment::agent).collect(Collectors.toSet());
        agentsGoneSince.keySet().removeIf(a -> live.contains(a) || !assigned.contains(a));
        Instant at = clock.instant();
        for (String agent : assigned) {
            if (!live.contains(agent) && agentsGoneSince.putIfAbsent(agent, at) == null) {
                log.warn("event=agent.gone agent={} grace_ms={} next=\"its instances are placed elsewhere unless it "
                        + "comes back\"", agent, agentGrace.toMillis());
                worker.schedule(this::poke, agentGrace.toMillis() + 50, TimeUnit.MILLISECONDS);
            }
        }
        return new ClusterView(now.apps(), wanted, agents, assignments, instances, agentsGoneSince, agentGrace);
    }

    /** The snapshot's assignments corrected by our writes it does not reflect yet. */
    private List<Assignment> withOwnWrites(List<Assignment> seen) {
        Map<String, Assignment> byId = new LinkedHashMap<>();
        seen.forEach(a -> byId.put(a.instance(), a));
        Instant stale = clock.instant().minusSeconds(30); // a write never seen in 30 s is not coming
        addedNotSeen.values().removeIf(a -> byId.containsKey(a.instance()) || a.created().isBefore(stale));
        removedNotSeen.entrySet().removeIf(e -> !byId.containsKey(e.getKey()) || e.getValue().isBefore(stale));
        addedNotSeen.values().forEach(a -> byId.putIfAbsent(a.instance(), a));
        removedNotSeen.keySet().forEach(byId::remove);
        return List.copyOf(byId.values());
    }

    @Override
    public void close() throws Exception {
        if (subscription != null) {
            subscription.close();
        }
        worker.shutdownNow();
    }
}
