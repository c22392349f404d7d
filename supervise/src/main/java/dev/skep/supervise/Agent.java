package dev.skep.supervise;

import dev.skep.model.AgentInfo;
import dev.skep.model.AgentRegistry;
import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.Assignments;
import dev.skep.model.ChangeFeed;
import dev.skep.model.EventSink;
import dev.skep.model.HostMemory;
import dev.skep.model.InstanceStatus;
import dev.skep.model.InstanceStatuses;
import dev.skep.model.Labels;
import dev.skep.model.OneOffs;
import dev.skep.model.SkepException;
import dev.skep.model.SlugStore;
import dev.skep.model.VolumePaths;
import dev.skep.model.concurrent.PeriodicTask;
import dev.skep.model.limits.CgroupSetup;
import dev.skep.model.limits.Cgroups;
import dev.skep.model.limits.ResourceLimits;
import dev.skep.model.node.NodeCache;
import dev.skep.model.node.NodeDist;
import dev.skep.model.node.NodeInstalls;
import dev.skep.model.view.VolumesView;
import dev.skep.supervise.workspace.AppDisks;
import dev.skep.supervise.workspace.OverlayWorkspaces;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: runs the instances the scheduler assigns to this host, like forever or pm2.
 * {@link #start()} registers the agent, re-adopts the processes a former agent process left
 * running, and then reconciles on every state change (bursts coalesce) on one worker thread:
 * an assignment without an instance is launched, an instance without an assignment is stopped.
 * Each instance is owned by its {@link InstanceRunner}.
 */
public final class Agent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Object WAKE = new Object();

    private enum Lifecycle { LATENT, STARTED, CLOSED }

    private final AgentConfig config;
    private final AppCatalog catalog;
    private final Assignments assignmentTable;
    private final InstanceStatuses statuses;
    private final AgentRegistry registry;
    private final ChangeFeed changeFeed;
    private final SlugStore slugs;
    private final EventSink events;
    private final Clock clock;
    private final AgentLayout layout;
    private final InstanceStore store;
    private final PortAllocator ports;
    private final LogReader logs;
    private final AgentHooks hooks;
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.LATENT);
    private final Map<String, InstanceRunner> runners = new ConcurrentHashMap<>();
    private final BlockingQueue<Object> wake = new ArrayBlockingQueue<>(1);
    private final Map<String, InstanceRecord> deadRecords = new HashMap<>(); // reconcile worker only
    private final ResourceLimits limits;
    private volatile RunnerContext context;
    private final AgentResources resources;
    private AutoCloseable subscription;
    private Thread worker;
    private final InstanceBoard board;
    private PeriodicTask diskWatch;
    /** How often gone instances' logs are pruned (see {@link LogRetention}). */
    private static final Duration LOG_RETENTION_EVERY = Duration.ofMinutes(1);
    private PeriodicTask logRetention;
    private Thread leaseRenewal;
    private final OrphanWatchdog orphans;
    private final AssignmentCheck assignmentCheck;

    public <S extends AppCatalog & Assignments & InstanceStatuses & AgentRegistry & ChangeFeed> Agent(
            AgentConfig config, S state, SlugStore slugs, EventSink events, Clock clock) {
        this(config, state, slugs, events, clock, AgentSetup.plain());
    }

    /** @param setup what the composition root gives it: hooks, limits, board, host resources, orphan stop */
    public <S extends AppCatalog & Assignments & InstanceStatuses & AgentRegistry & ChangeFeed> Agent(
            AgentConfig config, S state, SlugStore slugs, EventSink events, Clock clock, AgentSetup setup) {
        this.board = setup.board();
        this.hooks = setup.hooks();
        this.limits = setup.limits();
        this.resources = setup.resources();
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(state, "state");
        this.catalog = state;
        this.assignmentTable = state;
        this.statuses = state;
        this.registry = state;
        this.changeFeed = state;
        this.slugs = Objects.requireNonNull(slugs, "slugs");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.layout = new AgentLayout(config.dataDir());
        this.store = new InstanceStore(layout);
        this.ports = new PortAllocator(config.portMin(), config.portMax());
        this.logs = new LogReader(layout, config.logs().filesKept(), Duration.ofMillis(100));
        AgentSetup.OrphanStop stop = setup.orphanStop();
        this.orphans = stop == null ? null
                : new OrphanWatchdog(layout.root().resolve("orphan-stop"), stop.bound(), config.stopGrace());
        this.assignmentCheck = stop == null ? AssignmentCheck.nobody() : stop.check();
    }

    public void start() {
        if (!lifecycle.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("agent " + config.agentId() + " was already started");
        }
        layout.create();
        AppUsers users = null;
        if (config.isolateWhenRoot() && AppUsers.runningAsRoot()) {
            users = new AppUsers(layout.uids());
            log.info("event=agent.isolation agent={} isolated=true uids_from={}", config.agentId(), AppUsers.BASE);
        } else {
            log.info("event=agent.isolation agent={} isolated=false why=\"{}\" effect=\"apps run as skep's user\"",
                    config.agentId(),
                    config.isolateWhenRoot() ? "the agent is not root" : "disabled in the config");
        }
        Cgroups cgroups = limits == null ? Cgroups.none("no limits configured")
                : CgroupSetup.detect(config.closedPorts());
        // a release names the Node it was built with; one this host lacks is fetched (once) at its first start
        ReleaseTools tools = new ReleaseTools(config.agentId(), new NodeInstalls(config.node(), new NodeCache(
                config.nodeCache(), NodeDist.onPath(config.node().getParent() + File.pathSeparator
                        + System.getenv().getOrDefault("PATH", AgentConfig.SYSTEM_PATH)))));
        boolean overlay = users != null && OverlayWorkspaces.works(layout.work());
        AppDisks disks = AgentStorage.disks(config, layout, overlay);
        // no file an isolated app writes may pass its disk quota: its output too, captured in files on this host's
        // disk that nobody empties while the agent is down (a flood would fill the host, not the app's own disk)
        ResourceLimits applied = limits != null && users != null ? limits.withMaxFileBytes(disks.quota()) : limits;
        if (applied != null) {
            log.info("event=limits.on agent={} limits=\"{}\" enforced_by=\"{}\"", config.agentId(), applied,
                    cgroups.describe());
        }
        context = new RunnerContext(config, catalog, assignmentTable, statuses, slugs, events, clock, ports, store, layout,
                new Launcher(tools::node, tools::npmBin, hooks.environment()), users,
                () -> ThreadLocalRandom.current().nextDouble(), hooks, applied, cgroups,
                AgentStorage.workspaces(config, layout, users != null, overlay, disks), disks, board,
                LogWakeups.start(config.agentId()));
        AgentResources host = resources != null ? resources
                : AgentResources.detect(0, limits == null ? 0 : limits.memoryBytes(), Map.of());
        registry.registerAgent(new AgentInfo(config.agentId(), config.host(), config.capacity(), version(), clock.instant(),
                host.memoryBytes(), host.instanceMemory(), host.cpus(), host.labels(),
                HostMemory.freeOf(host.memoryBytes())));
        log.info("event=agent.resources agent={} memory_bytes={} instance_memory_bytes={} cpus={} labels=\"{}\"",
                config.agentId(), host.memoryBytes(), host.instanceMemory(), host.cpus(),
                Labels.text(host.labels()));
        if (orphans != null) {
            orphans.start(); // before re-adoption: the adopted processes are watched as they are recorded again
            store.watchedBy(orphans);
            OrphanLease lease = new OrphanLease(config.agentId(), orphans, changeFeed, assignmentCheck,
                    runners::values, () -> lifecycle.get() == Lifecycle.STARTED);
            leaseRenewal = Thread.ofPlatform().daemon().name("agent-lease-" + config.agentId()).start(lease);
        }
        readopt();
        worker = Thread.ofVirtual().name("agent-reconcile-" + config.agentId()).start(this::reconcileLoop);
        diskWatch = new DiskWatch(context, this::instances).start();
        LogRetention retention = new LogRetention(config.agentId(), layout, clock);
        logRetention = PeriodicTask.start("agent-logs-" + config.agentId(), LOG_RETENTION_EVERY,
                () -> retention.prune(Set.copyOf(runners.keySet()), DiskWatch.deletedThisPass(context)),
                e -> log.warn("event=logs.prune-failed agent={} error=\"{}\" next=\"tried again in {} s\"",
                        config.agentId(), e.toString(), LOG_RETENTION_EVERY.toSeconds()));
        subscription = changeFeed.onChange(this::requestReconcile);
        requestReconcile();
        log.info("event=agent.started agent={} host={} data_dir={} ports={}-{} node={}", config.agentId(),
                config.host(), config.dataDir(), config.portMin(), config.portMax(), config.node());
    }

    /**
     * Readies, in the background, what the app's instances here need before they launch (its disk: with loop images,
     * the app's image mounted), so that a deploy's new instance does not wait for it once assigned. Best effort: a
     * launch prepares the disk anyway, waiting for one this started. Before the agent started: nothing.
     */
    public void prepareAhead(AppId app) {
        RunnerContext ctx = context;
        if (ctx == null || lifecycle.get() != Lifecycle.STARTED) {
            return;
        }
        // a platform thread: the mount runs a tool inside the disk's lock, which would pin a virtual thread's carrier
        Thread.ofPlatform().daemon().name("disk-ahead-" + app).start(() -> {
            long begun = System.nanoTime();
            try {
                ctx.disks().prepare(app);
                log.debug("event=disk.prepared-ahead agent={} app={} took_ms={}", config.agentId(), app,
                        (System.nanoTime() - begun) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                log.warn("event=disk.ahead-failed agent={} app={} error=\"{}\" effect=\"its first launch prepares "
                        + "the disk itself, and says why if that fails too\"", config.agentId(), app, e.toString());
            }
        });
    }

    /** What an app holds on this host against its quota; empty before the agent started. */
    public Optional<VolumesView.Disk> disk(AppId app) {
        RunnerContext ctx = context;
        if (ctx == null) {
            return Optional.empty();
        }
        List<String> mine = instances().stream().filter(i -> i.app().equals(app)).map(InstanceStatus::instance)
                .toList();
        try {
            AppDisks.Usage usage = ctx.disks().usage(app, mine, ctx.workspaces());
            return Optional.of(new VolumesView.Disk(usage.used(), ctx.disks().quota(),
                    ctx.disks().mode()));
        } catch (IOException e) {
            log.warn("event=disk.usage-failed agent={} app={} error=\"{}\"", config.agentId(), app, e.getMessage());
            return Optional.empty();
        }
    }

    /** The uid/gid an app runs under on this host, or null when isolation is off (or the agent not started). */
    public AppUsers.AppUser userFor(AppId app) {
        RunnerContext ctx = context;
        return ctx == null || ctx.users() == null ? null : ctx.users().forApp(app);
    }

    /** Where this agent keeps the volume at {@code path} of {@code app} (created at the first start that mounts it). */
    public Path volumeDir(AppId app, String path) {
        RunnerContext ctx = context;
        return ctx == null ? layout.volume(app, path)
                : ctx.disks().volumes(app).resolve(VolumePaths.storageName(path));
    }

    /** Runs one-offs here as instances run (`skep run`); only once the agent has started. */
    public OneOffs oneOffs() {
        RunnerContext ctx = context;
        if (ctx == null) {
            throw new IllegalStateException("agent " + config.agentId() + " has not started");
        }
        return new OneOffRunner(ctx);
    }

    /** Reads the agent's logs (they outlive instances). */
    public LogReader logs() {
        return logs;
    }

    /** Stops and starts one instance again on the same port; NOT_FOUND when this agent does not run it. */
    public void restart(String instance) {
        InstanceRunner runner = runners.get(AgentLayout.requireInstance(instance));
        if (runner == null || runner.stopRequested()) {
            throw SkepException.notFound("instance " + instance + " does not run on agent " + config.agentId());
        }
        runner.restart();
    }

    /** What this agent runs now, as last reported (its board). */
    public List<InstanceStatus> instances() {
        return board.all();
    }

    public Optional<InstanceStatus> instance(String instance) {
        return Optional.ofNullable(runners.get(instance)).map(InstanceRunner::status);
    }

    public AgentConfig config() {
        return config;
    }

    /**
     * Stops every instance gracefully (in parallel), or, with keepAppsOnClose, leaves them running
     * with their records for the next agent process to re-adopt.
     */
    @Override
    public void close() {
        Lifecycle was = lifecycle.getAndSet(Lifecycle.CLOSED);
        if (was != Lifecycle.STARTED) {
            return;
        }
        try {
            if (subscription != null) {
                subscription.close();
            }
        } catch (Exception e) {
            log.warn("event=agent.subscription-close-failed agent={} error=\"{}\"", config.agentId(), e.toString());
        }
        worker.interrupt();
        diskWatch.close();
        logRetention.close();
        if (leaseRenewal != null) {
            leaseRenewal.interrupt();
        }
        try {
            worker.join();
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (InstanceRunner runner : runners.values()) {
                if (config.keepAppsOnClose()) {
                    runner.detach();
                } else {
                    runner.stop();
                }
                pending.add(runner.done());
            }
            Duration bound = config.drainDelay().plus(config.stopGrace()).plusSeconds(10);
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(bound.toMillis(), TimeUnit.MILLISECONDS);
            context.disks().stopBackground(); // with the apps kept too: spares are made for this agent's launches
            if (!config.keepAppsOnClose()) {
                context.disks().release(); // nothing of ours runs on them now
            }
            if (orphans != null) {
                if (config.keepAppsOnClose()) {
                    orphans.detach(); // the loop watches the kept apps until the next agent process renews
                } else {
                    orphans.close();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            log.error("event=agent.close-timed-out agent={} instances={} effect=\"some may still run\"",
                    config.agentId(),
                    runners.keySet());
        } catch (ExecutionException e) {
            log.error("event=agent.close-failed agent={} error=\"{}\"", config.agentId(), e.toString());
        }
        context.logWakeups().close(); // after the runners: their pumps have read what is left
        log.info("event=agent.closed agent={} keep_apps={}", config.agentId(), config.keepAppsOnClose());
    }

    // --- re-adoption and reconciliation ---

    /** Adopts every recorded process that still runs; remembers the dead ones for reconcile. */
    private void readopt() {
        List<InstanceRecord> records = store.loadAll();
        StaleWorkspaces.remove(config.agentId(), layout, context.disks(), records);
        for (InstanceRecord record : records) {
            if (ProcessTree.isRunning(record.pid(), record.startTime())) {
                InstanceRunner runner = new InstanceRunner(record.assignment(), context, record, true, this::gone);
                runners.put(record.instance(), runner);
                runner.start();
            } else {
                log.info("event=instance.gone-while-away agent={} instance={} pid={} next=\"started again if still "
                        + "assigned\"",
                        config.agentId(), record.instance(), record.pid());
                deadRecords.put(record.instance(), record);
            }
        }
    }

    private void requestReconcile() {
        wake.offer(WAKE); // a full queue means a reconcile is pending anyway: bursts coalesce
    }

    private void reconcileLoop() {
        while (lifecycle.get() == Lifecycle.STARTED) {
            try {
                wake.take();
                reconcile();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (lifecycle.get() != Lifecycle.STARTED) { // the close interrupted its read: nothing failed
                    return;
                }
                log.error("event=agent.reconcile-failed agent={} error=\"{}\" next=\"retried on the next change\"",
                        config.agentId(), e.toString(), e);
            }
        }
    }

    private void reconcile() {
        // the ids in one read; only new ones are read whole (a runner keeps its assignment): a reconcile
        // runs on every change anywhere in the cluster, and must not read every assignment each time
        Set<String> wanted = new HashSet<>(assignmentTable.assignedInstances(config.agentId()));
        for (String id : wanted) {
            if (lifecycle.get() != Lifecycle.STARTED) {
                return;
            }
            if (runners.containsKey(id)) {
                continue;
            }
            assignmentTable.assignment(config.agentId(), id).ifPresent(assignment -> runners.computeIfAbsent(id, i -> {
                InstanceRunner runner = new InstanceRunner(assignment, context, deadRecords.remove(i), false,
                        this::gone);
                runner.start();
                return runner;
            }));
        }
        for (InstanceRunner runner : runners.values()) {
            if (!wanted.contains(runner.instance()) && !runner.stopRequested()) {
                log.info("event=instance.unassigned agent={} instance={} next=stopping", config.agentId(),
                        runner.instance());
                runner.stop();
            }
        }
        for (InstanceRecord dead : deadRecords.values()) {
            store.delete(dead.instance());
        }
        deadRecords.clear();
    }

    private void gone(InstanceRunner runner) {
        runners.remove(runner.instance(), runner);
        if (lifecycle.get() == Lifecycle.STARTED) {
            requestReconcile(); // reassigned meanwhile? start it again
        }
    }

    private static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
