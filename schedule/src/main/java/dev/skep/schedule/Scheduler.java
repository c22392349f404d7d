package dev.skep.schedule;

import dev.skep.model.AgentInfo;
import dev.skep.model.AgentLiveness;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.ClusterSnapshot;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import dev.skep.model.IdleState;
import dev.skep.model.Assignments;
import dev.skep.model.AgentRegistry;
import dev.skep.model.ClusterSnapshots;
import dev.skep.model.ChangeFeed;
import dev.skep.model.InstanceStatus;
import dev.skep.model.PlacementSettings;
import dev.skep.model.Release;
import dev.skep.model.RouteSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import dev.skep.model.concurrent.CoalescingWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler: on every state change (coalesced) and on a slow timer, while this process is
 * the leader, takes a snapshot, asks the {@link Planner} and applies the plan.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    /**
     * A pass this long is logged with where its time went: a new app waits up to two passes for its placement, so
     * from here it misses the 1 s goal. (At 10,000 apps a pass takes ~150-250 ms: a lower bound logs most passes.)
     */
    private static final long SLOW_PASS_MS = Long.getLong("skep.schedule.slowPassMs", 500);

    private final Assignments assignmentTable;
    private final AgentRegistry registry;
    private final ClusterSnapshots snapshots;
    private final ChangeFeed changeFeed;
    private final BooleanSupplier isLeader;
    private final Clock clock;
    private final Duration agentGrace;
    private final EventSink events;
    private final AgentLiveness liveness;
    private final UnplacedTracker unplaced;
    private boolean massSilenceLogged; // worker thread only
    /** The agents seen alive at the last pass, null before the first (worker thread only). */
    private Map<String, AgentInfo> knownAgents;
    private final Map<String, Instant> agentsGoneSince = new HashMap<>(); // worker thread only
    private final CoalescingWorker worker;
    private final OwnWrites ownWrites = new OwnWrites(); // worker thread only
    private AutoCloseable subscription;

    public <S extends Assignments & AgentRegistry & ClusterSnapshots & ChangeFeed> Scheduler(
            S state, BooleanSupplier isLeader, Clock clock) {
        this(state, isLeader, clock, Duration.ofSeconds(30));
    }

    /** @param agentGrace how long an agent may be gone before its instances are placed on others */
    public <S extends Assignments & AgentRegistry & ClusterSnapshots & ChangeFeed> Scheduler(
            S state, BooleanSupplier isLeader, Clock clock, Duration agentGrace) {
        this(state, isLeader, clock, agentGrace, event -> { });
    }

    /** @param events hears agents join and get lost (seen by the leader, once each) */
    public <S extends Assignments & AgentRegistry & ClusterSnapshots & ChangeFeed> Scheduler(
            S state, BooleanSupplier isLeader, Clock clock, Duration agentGrace,
                     EventSink events) {
        this(state, isLeader, clock, agentGrace, events, AgentLiveness.sessionsOnly());
    }

    /** @param liveness agents known dead before their session ends (heartbeats), and whether a gone one can be trusted */
    public <S extends Assignments & AgentRegistry & ClusterSnapshots & ChangeFeed> Scheduler(
            S state, BooleanSupplier isLeader, Clock clock, Duration agentGrace,
                     EventSink events, AgentLiveness liveness) {
        this(state, isLeader, clock, agentGrace, events, liveness, UnplacedBoard.none());
    }

    /** @param board where what cannot be placed is shown (an {@code app.unplaced} event says it too) */
    public <S extends Assignments & AgentRegistry & ClusterSnapshots & ChangeFeed> Scheduler(
            S state, BooleanSupplier isLeader, Clock clock, Duration agentGrace,
                     EventSink events, AgentLiveness liveness, UnplacedBoard board) {
        this.unplaced = new UnplacedTracker(events, board);
        this.events = events;
        this.liveness = liveness;
        this.agentGrace = agentGrace;
        this.assignmentTable = state;
        this.registry = state;
        this.snapshots = state;
        this.changeFeed = state;
        this.isLeader = isLeader;
        this.clock = clock;
        this.worker = new CoalescingWorker("scheduler", this::pass);
    }

    public void start(Duration resync) {
        subscription = changeFeed.onChange(this::poke);
        worker.pokeEvery(resync);
    }

    /** Asks for a pass; many pokes while one is queued make one pass. */
    public void poke() {
        worker.poke();
    }

    private void pass() {
        if (!isLeader.getAsBoolean()) {
            agentsGoneSince.clear(); // a new leader times agents afresh, as Nomad's does
            unplaced.reset();
            return;
        }
        try {
            long t0 = System.nanoTime();
            ClusterView view = snapshot();
            long t1 = System.nanoTime();
            Plan plan = Planner.plan(view, clock.instant());
            long t2 = System.nanoTime();
            Set<Assignment> placing = Set.copyOf(plan.add());
            assignmentTable.writeAssignments(plan.add(), plan.remove(), a -> {
                // our own writes, until the watch shows them: a quick second pass must not place or withdraw twice
                if (placing.contains(a)) {
                    ownWrites.placed(a, clock.instant());
                    log.info("event=schedule.assigned app={} release={} instance={} agent={}",
                            a.app(), a.release().number(), a.instance(), a.agent());
                } else {
                    ownWrites.withdrew(a, clock.instant());
                    log.info("event=schedule.withdrawn app={} release={} instance={} agent={}",
                            a.app(), a.release().number(), a.instance(), a.agent());
                }
            });
            long t3 = System.nanoTime();
            if (unplaced.update(plan.unplaced(), clock.instant())) {
                worker.pokeIn(UnplacedTracker.SETTLE.plusMillis(50));
            }
            long total = (System.nanoTime() - t0) / 1_000_000;
            if (total >= SLOW_PASS_MS) {
                log.info("event=schedule.pass-slow ms={} view_ms={} plan_ms={} write_ms={} apps={} assignments={} "
                                + "added={} withdrawn={}", total, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                        (t3 - t2) / 1_000_000, view.apps().size(), view.assignments().size(), plan.add().size(),
                        plan.remove().size());
            }
        } catch (RuntimeException e) {
            log.error("event=schedule.failed error=\"{}\" next=retry on the next change", e.getMessage(), e);
        }
    }

    private ClusterView snapshot() {
        ClusterSnapshot now = snapshots.snapshot();
        Map<AppId, Release> wanted = new HashMap<>();
        for (AppSpec app : now.apps()) {
            if (app.target() > 0) {
                now.release(app.id(), app.target()).ifPresent(r -> wanted.put(app.id(), r));
            }
        }
        Map<String, InstanceStatus> instances = now.instances().stream()
                .collect(Collectors.toMap(InstanceStatus::instance, Function.identity(), (a, b) -> b));
        Map<String, Long> free = liveness.memoryFree();
        var agents = alive(now.agents()).stream() // memory free as of the last heartbeat, not of registration
                .map(a -> free.containsKey(a.id()) ? a.withMemoryFree(free.get(a.id())) : a).toList();
        var assignments = ownWrites.correct(now.assignments(), clock.instant());
        Set<String> live = agents.stream().map(AgentInfo::id).collect(Collectors.toSet());
        noteMembership(agents, live);
        Set<String> assigned = assignments.stream().map(Assignment::agent).collect(Collectors.toSet());
        agentsGoneSince.keySet().removeIf(a -> live.contains(a) || !assigned.contains(a));
        Instant at = clock.instant();
        for (String agent : assigned) {
            if (!live.contains(agent) && agentsGoneSince.putIfAbsent(agent, at) == null) {
                log.warn("event=agent.gone agent={} grace_ms={} next=\"its instances are placed elsewhere unless it "
                        + "comes back\"", agent, agentGrace.toMillis());
                worker.pokeIn(agentGrace.plusMillis(50));
            }
        }
        // just (re)connected: an agent may still be putting its node back after an outage we shared
        Map<AppId, Map<String, String>> constraints = new HashMap<>();
        snapshots.documents(PlacementSettings.DOCUMENT, PlacementSettings.class)
                .forEach((app, settings) -> constraints.put(app, settings.constraints()));
        return new ClusterView(awake(now.apps()), wanted, agents, assignments, instances,
                liveness.settled() ? agentsGoneSince : Map.of(), agentGrace)
                .withPlacement(registry.drainingAgents(), constraints);
    }

    /**
     * The apps as the planner should see them: one asleep for being idle ({@link IdleState}) wants no
     * instance, as a stopped one, while its spec keeps saying what it runs when woken (the Planner needs no notion
     * of sleep).
     */
    private List<AppSpec> awake(List<AppSpec> apps) {
        Set<AppId> asleep = IdleState.asleep(apps,
                snapshots.documents(IdleState.DOCUMENT, IdleState.class),
                snapshots.documents(RouteSettings.DOCUMENT, RouteSettings.class));
        return asleep.isEmpty() ? apps
                : apps.stream().map(a -> asleep.contains(a.id()) ? a.withRunning(false, a.updated()) : a).toList();
    }

    /**
     * The registered agents less those whose heartbeat went silent. When more than half of them fall silent
     * at once, the likelier cause is on this side (a stalled controller, a slow ensemble): nobody is moved
     * on heartbeats then, and only sessions' ends count (static stability).
     */
    private List<AgentInfo> alive(List<AgentInfo> registered) {
        Set<String> silent = new HashSet<>(liveness.silent());
        silent.retainAll(registered.stream().map(AgentInfo::id).toList());
        if (silent.isEmpty()) {
            massSilenceLogged = false;
            return registered;
        }
        if (silent.size() * 2 > registered.size()) {
            if (!massSilenceLogged) {
                massSilenceLogged = true;
                log.warn("event=agent.silence-ignored silent={} registered={} why=\"more than half of the agents fell "
                        + "silent at once: more likely this controller's or ZooKeeper's trouble\" next=\"only a "
                        + "session's end moves their instances\"", silent.size(), registered.size());
            }
            return registered;
        }
        massSilenceLogged = false;
        return registered.stream().filter(a -> !silent.contains(a.id())).toList();
    }

    /** Emits agent.joined / agent.lost for changes since the last pass (none for the first one). */
    private void noteMembership(List<AgentInfo> agents, Set<String> live) {
        if (knownAgents != null) {
            for (AgentInfo agent : agents) {
                if (!knownAgents.containsKey(agent.id())) {
                    events.emit(new Event(clock.instant(), EventTypes.AGENT_JOINED, null,
                            null, null, agent.host(), "agent " + agent.id() + " joined", Map.of("agent", agent.id())));
                }
            }
            for (AgentInfo gone : knownAgents.values()) {
                if (!live.contains(gone.id())) {
                    events.emit(new Event(clock.instant(), EventTypes.AGENT_LOST, null,
                            null, null, gone.host(),
                            "agent " + gone.id() + " lost (its heartbeat stopped or its ZooKeeper session ended)",
                            Map.of("agent", gone.id())));
                }
            }
        }
        knownAgents = new HashMap<>();
        agents.forEach(a -> knownAgents.put(a.id(), a));
    }

    @Override
    public void close() throws Exception {
        if (subscription != null) {
            subscription.close();
        }
        worker.close();
    }
}
