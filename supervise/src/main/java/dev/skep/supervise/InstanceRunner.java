package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.Event;
import dev.skep.model.EventTypes;
import dev.skep.model.HealthCheck;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.limits.CgroupSlot;
import dev.skep.supervise.workspace.Owner;
import dev.skep.supervise.workspace.Prepared;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs one instance on its own virtual thread, driven by a mailbox of signals (process exits and
 * the agent's commands), so all of its state has one owner.
 *
 * <pre>
 *  launch ──> STARTING ──own socket, HTTP──> READY ──exit──> BACKOFF ─(delay)─> launch
 *                 (see ReadinessProbe)      │ ^
 *                                 health fails │ │ recovers
 *                                            v │
 *                                         UNHEALTHY ──(restartAfter)──> STOPPING ──> launch
 *                │                                   └─(N quick deaths)─> CRASH_LOOP ─(cap)─> launch
 *                └─ first start: exit or timeout ──> FAILED (process stopped; waits for stop)
 *  any ──STOP──> STOPPING ─drain, SIGTERM group, grace, SIGKILL group─> gone (record, status, port released)
 *  any ──RESTART──> STOPPING ──> launch (same port)
 *  any ──DETACH──> (process left running, record kept for the next agent)
 * </pre>
 */
final class InstanceRunner {

    private static final Logger log = LoggerFactory.getLogger(InstanceRunner.class);
    private static final Duration READY_POLL = Duration.ofMillis(15);
    /** How long a process type other than web must keep running to be ready (see {@link #awaitRunning}). */
    static final Duration SETTLE = Duration.ofSeconds(1);
    private static final int DISCOVER_EVERY_POLLS = 10;
    private static final Duration ADOPTED_EXIT_POLL = Duration.ofMillis(20);
    private static final Duration REMNANT_PAUSE = Duration.ofMillis(250);
    /** How long routers get to see a STOPPING instance before the agent counts connections. */
    static final Duration DRAIN_SETTLE = Duration.ofMillis(500);
    private static final Duration DRAIN_POLL = Duration.ofMillis(50);
    /** How long the cgroup of an exited instance is swept for what it left (forks racing the kill included). */
    private static final Duration CGROUP_EMPTYING = Duration.ofSeconds(1);

    private sealed interface Signal permits Exited, Command, Ready, TimedOut, Health {
    }

    /** The health watch of process {@code generation} saw it turn healthy or unhealthy. */
    private record Health(int generation, boolean healthy, String why) implements Signal {
    }

    private record Exited(int generation, String how) implements Signal {
    }

    private enum Command implements Signal { STOP, RESTART, DETACH }

    private record Ready() implements Signal {
    }

    private record TimedOut() implements Signal {
    }

    /** One process of this instance; {@code exit} completes with how it ended ("code 3", "signal 9"). */
    private record Running(int generation, long pid, long startTime, Instant started,
                           CompletableFuture<String> exit) {
    }

    private final Assignment assignment;
    private final String id;
    /** Web takes the route: readiness is its port (and health path); other types are ready by running. */
    private final boolean web;
    private final RunnerContext ctx;
    private final InstanceRecord previous;
    private final boolean adopt;
    private final Consumer<InstanceRunner> onGone;
    private final BlockingQueue<Signal> mailbox = new LinkedBlockingQueue<>();
    private final RestartTracker tracker;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile InstanceStatus status;
    private volatile boolean stopRequested;

    // owned by the runner thread
    private Path slugDir;
    private Path appDir;
    private AppUsers.AppUser user;
    private int port;
    private int effectivePort;
    private String message;
    private Running current;
    private int generation;
    private int restarts;
    private String lastExit;
    private boolean firstStart;
    private boolean crashLooping;
    private boolean foreignListenerLogged;
    /** What the last readiness probe of the current start answered, when it failed. */
    private String notReadyWhy;
    private LogPump pump;
    private String restartReason;
    private CgroupSlot cgroup;
    private long oomKillsSeen;

    /**
     * @param previous the record a former agent process left, or null
     * @param adopt    true when {@code previous}'s process still runs and is to be adopted
     */
    InstanceRunner(Assignment assignment, RunnerContext ctx, InstanceRecord previous, boolean adopt,
                   Consumer<InstanceRunner> onGone) {
        this.assignment = assignment;
        this.web = dev.skep.model.ProcessTypes.isWeb(assignment.type());
        this.id = assignment.instance();
        this.ctx = ctx;
        this.previous = previous;
        this.adopt = adopt && previous != null;
        this.onGone = onGone;
        this.tracker = new RestartTracker(ctx.config().restart(), ctx.random());
        this.firstStart = previous == null && !released(ctx, assignment);
        this.restarts = previous == null ? 0 : previous.restarts();
    }

    String instance() {
        return id;
    }

    Assignment assignment() {
        return assignment;
    }

    /** The last status written, or null before the first. */
    InstanceStatus status() {
        return status;
    }

    void start() {
        Thread.ofVirtual().name("instance-" + id).start(this::run);
    }

    /** Stop gracefully, then forget the instance. */
    void stop() {
        stopRequested = true;
        mailbox.add(Command.STOP);
    }

    boolean stopRequested() {
        return stopRequested;
    }

    /** Stop and start again at once on the same port. */
    void restart() {
        mailbox.add(Command.RESTART);
    }

    /** Leave the process running for the next agent to re-adopt. */
    void detach() {
        mailbox.add(Command.DETACH);
    }

    /** Completes when the runner has stopped or detached. */
    CompletableFuture<Void> done() {
        return done;
    }

    // --- the runner thread ---

    private void run() {
        boolean detached = false;
        try {
            prepare();
            boolean adopting = adopt;
            if (!adopting) {
                Command command = awaitSlug();
                if (command == Command.DETACH) {
                    detached = true;
                    return;
                }
                if (command == Command.STOP) {
                    return;
                }
            }
            while (true) {
                if (adopting) {
                    adopting = false;
                    current = adopted();
                } else {
                    current = launch();
                }
                Signal signal = current == null ? new Exited(generation, lastExit) : awaitReady();
                if (signal instanceof Ready) {
                    becomeReady();
                    signal = serve();
                }
                switch (signal) {
                    case Command c when c == Command.STOP -> {
                        terminate(ctx.config().drainDelay());
                        return;
                    }
                    case Command c when c == Command.DETACH -> {
                        detached = true;
                        return;
                    }
                    case Command c -> { // RESTART
                        terminate(Duration.ZERO);
                        tracker.reset();
                        restarts++;
                        if (restartReason != null) {
                            lastExit = "restarted: " + restartReason;
                            log.warn("instance restarted app={} release={} instance={} reason=\"{}\"",
                                    assignment.app(), assignment.release().number(), id, restartReason);
                            emit(EventTypes.INSTANCE_EXITED, lastExit, Map.of("restartInMs", "0"));
                            restartReason = null;
                        } else {
                            log.info("instance restarting on request app={} release={} instance={}",
                                    assignment.app(), assignment.release().number(), id);
                        }
                    }
                    case TimedOut t -> {
                        String why = "not ready within " + seconds(ctx.config().startTimeout())
                                + (notReadyWhy == null ? "" : " (last check: " + notReadyWhy + ")");
                        terminate(Duration.ZERO);
                        lastExit = why;
                        Command after = firstStart ? fail(why) : backOff(current.started());
                        if (after == Command.DETACH) {
                            detached = true;
                            return;
                        }
                        if (after == Command.STOP) {
                            return;
                        }
                    }
                    case Exited e -> {
                        lastExit = e.how();
                        noteOomKill();
                        Instant started = current == null ? ctx.clock().instant() : current.started();
                        if (current != null) {
                            killRemnants(current.pid());
                        }
                        Command after = firstStart
                                ? fail("exited before it was ready (" + e.how() + ")")
                                : backOff(started);
                        if (after == Command.DETACH) {
                            detached = true;
                            return;
                        }
                        if (after == Command.STOP) {
                            return;
                        }
                    }
                    case Ready r -> throw new IllegalStateException("unexpected ready");
                    case Health h -> throw new IllegalStateException("unexpected health signal");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detached = true; // leave the app running; the next agent re-adopts it
        } catch (RuntimeException | IOException e) {
            log.error("instance supervision failed app={} release={} instance={} error={}: stopping it; "
                    + "the next reconcile starts it again", assignment.app(), assignment.release().number(), id,
                    e.toString(), e);
            try {
                terminate(Duration.ZERO);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException ignored) {
                log.error("could not stop instance={} pid={}: kill it by hand", id,
                        current == null ? -1 : current.pid());
            }
        } finally {
            finish(detached);
        }
    }

    private void prepare() throws IOException {
        if (ctx.users() != null) {
            user = ctx.users().forApp(assignment.app());
        }
        if (adopt) {
            port = previous.port(); // the adopted process listens on it: held, not probed
            ctx.ports().hold(port);
        } else {
            port = ctx.ports().allocate(previous == null ? 0 : previous.port());
        }
        effectivePort = port;
        if (ctx.limits() != null) {
            cgroup = ctx.cgroups().slot(id, ctx.limits(), port).orElse(null);
            oomKillsSeen = cgroup == null ? 0 : cgroup.oomKills();
        }
        Path runDir = ctx.layout().runDir(id);
        java.nio.file.Files.createDirectories(runDir);
        pump = new LogPump(id, Launcher.stdout(runDir), Launcher.stderr(runDir),
                new RotatingLog(ctx.layout().logFile(id), ctx.config().logs()), ctx.config().logs(), ctx.clock());
        pump.start();
    }

    /** Starts a new process; null (with lastExit set) when that failed. */
    private Running launch() {
        generation++;
        message = null;
        notReadyWhy = null;
        effectivePort = port;
        int gen = generation;
        try {
            Prepared prepared = workspace();
            appDir = prepared.appDir();
            Process process = ctx.launcher().start(new Launcher.Spec(assignment, appDir, port, ctx.layout().runDir(id),
                    user, ctx.limits(), cgroup, prepared.head()));
            Instant started = ctx.clock().instant();
            long pid = process.pid();
            long startTime = ProcessTree.startTime(pid);
            CompletableFuture<String> exit = process.onExit().thenApply(p -> describe(p.exitValue()));
            exit.thenAccept(how -> mailbox.add(new Exited(gen, how)));
            Running running = new Running(gen, pid, startTime, started, exit);
            save(running);
            publish(InstanceState.STARTING, running, started);
            log.info("instance started app={} release={} instance={} pid={} port={} uid={}", assignment.app(),
                    assignment.release().number(), id, pid, port, user == null ? "-" : user.uid());
            emit(EventTypes.INSTANCE_STARTED, "started pid " + pid + " on port " + port,
                    Map.of("pid", Long.toString(pid), "port", Integer.toString(port)));
            return running;
        } catch (IOException | RuntimeException e) {
            lastExit = "launch failed: " + e.getMessage();
            log.error("instance launch failed app={} release={} instance={} error={}", assignment.app(),
                    assignment.release().number(), id, e.toString());
            return null;
        }
    }

    /** The first wait between slug fetches that failed; doubled each time up to {@link #SLUG_RETRY_MAX}. */
    static final Duration SLUG_RETRY_FIRST = Duration.ofMillis(500);
    static final Duration SLUG_RETRY_MAX = Duration.ofSeconds(30);

    /**
     * Gets the release's slug here before the first launch, retrying with back-off while it cannot be had (its
     * controller is down or restarting, the network is away): the instance stays STARTING, saying why, instead of
     * FAILED for good. Answers STOP or DETACH when told so meanwhile, else null once the slug is here.
     */
    private Command awaitSlug() throws InterruptedException {
        Owner owner = user == null ? null : new Owner(user.uid(), user.gid());
        Duration wait = SLUG_RETRY_FIRST;
        for (int attempt = 1; ; attempt++) {
            try {
                slugDir = LaunchDirs.sealedSlug(ctx, assignment.release(), owner);
                if (attempt > 1) {
                    log.info("event=slug.fetch-recovered app={} release={} instance={} attempts={}", assignment.app(),
                            assignment.release().number(), id, attempt);
                }
                return null;
            } catch (IOException | RuntimeException e) {
                message = "fetching its slug failed (" + e.getMessage() + "); retry " + (attempt + 1) + " in "
                        + wait.toMillis() + " ms";
                publish(InstanceState.STARTING, null, ctx.clock().instant());
                log.warn("event=slug.fetch-retry app={} release={} instance={} slug={} attempt={} next_in_ms={} "
                        + "error=\"{}\"", assignment.app(), assignment.release().number(), id,
                        assignment.release().slug(), attempt, wait.toMillis(), e.getMessage());
            }
            Signal signal = mailbox.poll(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (signal == Command.STOP || signal == Command.DETACH) {
                return (Command) signal;
            }
            wait = wait.multipliedBy(2).compareTo(SLUG_RETRY_MAX) > 0 ? SLUG_RETRY_MAX : wait.multipliedBy(2);
        }
    }

    /** A fresh writable copy of the slug (sealed first) with the app's volumes in place, for this launch. */
    private Prepared workspace() throws IOException {
        long begun = System.nanoTime();
        Owner owner = user == null ? null : new Owner(user.uid(), user.gid());
        if (slugDir == null) {
            slugDir = LaunchDirs.sealedSlug(ctx, assignment.release(), owner);
        }
        Prepared prepared = LaunchDirs.prepare(ctx, id, assignment, slugDir, owner);
        log.info("event=workspace.ready app={} release={} instance={} kind={} volumes={} took_ms={}", assignment.app(),
                assignment.release().number(), id, ctx.workspaces().kind(), assignment.volumes(),
                (System.nanoTime() - begun) / 1_000_000);
        return prepared;
    }

    /** Watches a process a former agent started; exit is seen by polling /proc (it is not our child). */
    private Running adopted() {
        generation++;
        int gen = generation;
        long pid = previous.pid();
        long startTime = previous.startTime();
        CompletableFuture<String> exit = new CompletableFuture<>();
        Thread.ofVirtual().name("adopted-exit-" + id).start(() -> {
            try {
                while (ProcessTree.isRunning(pid, startTime) && !done.isDone()) {
                    Thread.sleep(ADOPTED_EXIT_POLL.toMillis());
                }
                exit.complete("exited (adopted: code unknown)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        exit.thenAccept(how -> mailbox.add(new Exited(gen, how)));
        Running running = new Running(gen, pid, startTime, previous.started(), exit);
        save(running);
        publish(InstanceState.STARTING, running, running.started());
        log.info("instance adopted app={} release={} instance={} pid={} port={}", assignment.app(),
                assignment.release().number(), id, pid, port);
        emit(EventTypes.INSTANCE_ADOPTED, "adopted pid " + pid + " after an agent restart",
                Map.of("pid", Long.toString(pid), "port", Integer.toString(port)));
        return running;
    }

    /**
     * Polls the port (and the health path, when the app has one) until it answers, the process exits, a command
     * arrives or the timeout passes.
     */
    private Signal awaitReady() throws InterruptedException {
        if (!web) {
            return awaitRunning();
        }
        Instant deadline = ctx.clock().instant().plus(ctx.config().startTimeout());
        int polls = 0;
        while (true) {
            if (accepts(effectivePort) && listensItself() && healthyAtStart()) {
                return new Ready();
            }
            if (++polls % DISCOVER_EVERY_POLLS == 0 && discoverPort()) {
                continue;
            }
            if (ctx.clock().instant().isAfter(deadline)) {
                return new TimedOut();
            }
            Signal signal = mailbox.poll(READY_POLL.toMillis(), TimeUnit.MILLISECONDS);
            if (signal != null && !stale(signal)) {
                return signal;
            }
        }
    }

    /**
     * A process type other than web has no port to check: it is ready once it has kept running for
     * {@link #SETTLE}, so one that dies as it loads (a syntax error, a missing module) fails its start rather than
     * counting as ready for a moment.
     */
    private Signal awaitRunning() throws InterruptedException {
        Instant readyAt = current.started().plus(SETTLE);
        while (true) {
            long left = Duration.between(ctx.clock().instant(), readyAt).toMillis();
            if (left <= 0) {
                return new Ready();
            }
            Signal signal = mailbox.poll(left, TimeUnit.MILLISECONDS);
            if (signal != null && !stale(signal)) {
                return signal;
            }
        }
    }

    /**
     * Whether what accepted on the port is this instance and not another process that holds it (the
     * instance would then die with EADDRINUSE, or never listen, yet look ready). Unknown counts as yes:
     * when /proc does not show the process's sockets there is nothing better to go on.
     */
    private boolean listensItself() {
        Set<Long> tree = ProcessTree.tree(current.pid());
        if (!ProcessTree.socketsVisible(current.pid())
                || ProcessTree.listeningPorts(tree).contains(effectivePort)) {
            return true;
        }
        if (!foreignListenerLogged) {
            foreignListenerLogged = true;
            log.warn("port taken by another process app={} release={} instance={} port={}: not ready until the "
                    + "instance itself listens there; free the port or narrow the app port range", assignment.app(),
                    assignment.release().number(), id, effectivePort);
        }
        return false;
    }

    /** The instance answers HTTP on its port (see {@link ReadinessProbe}); why not is kept for the timeout's message. */
    private boolean healthyAtStart() {
        HealthProbe.Result result = ReadinessProbe.check(healthCheck(), effectivePort);
        notReadyWhy = result.why();
        return result.healthy();
    }

    private HealthCheck healthCheck() {
        if (!web) {
            return null; // the app's health check is its web's: other types are judged by running
        }
        try {
            return ctx.hooks().health().apply(assignment.app());
        } catch (RuntimeException e) {
            log.warn("health setting unreadable app={} instance={} error={}: checking the port only",
                    assignment.app(), id, e.toString());
            return null;
        }
    }

    /**
     * READY (or UNHEALTHY): runs the health watch of the current process and returns its next lifecycle
     * signal. An unhealthy process leaves the route table (its status says UNHEALTHY); one that stays unhealthy
     * for the check's {@code restartAfter} is restarted (returns RESTART with {@link #restartReason} set).
     */
    private Signal serve() throws InterruptedException {
        int gen = current.generation();
        Running running = current;
        try (HealthWatch watch = HealthWatch.start(id, this::healthCheck, effectivePort,
                (healthy, why) -> mailbox.add(new Health(gen, healthy, why)))) {
            Instant unhealthySince = null;
            while (true) {
                Signal signal;
                if (unhealthySince == null) {
                    signal = next();
                } else {
                    HealthCheck check = healthCheck();
                    Instant restartAt = unhealthySince.plus(check == null ? Duration.ZERO : check.restartAfter());
                    long left = Duration.between(ctx.clock().instant(), restartAt).toMillis();
                    signal = left > 0 ? mailbox.poll(left, TimeUnit.MILLISECONDS) : null;
                    if (signal == null) {
                        restartReason = "unhealthy for " + seconds(Duration.between(unhealthySince,
                                ctx.clock().instant()));
                        return Command.RESTART;
                    }
                    if (stale(signal)) {
                        continue;
                    }
                }
                if (!(signal instanceof Health health)) {
                    return signal;
                }
                if (!health.healthy() && unhealthySince == null) {
                    unhealthySince = ctx.clock().instant();
                    message = "unhealthy: " + health.why();
                    publish(InstanceState.UNHEALTHY, running, running.started());
                    log.warn("instance unhealthy app={} release={} instance={} reason=\"{}\": out of the route "
                                    + "table; restarted if it does not recover", assignment.app(),
                            assignment.release().number(), id, health.why());
                    emit(EventTypes.HEALTH_FAILED, health.why(), Map.of("port", Integer.toString(effectivePort)));
                } else if (health.healthy() && unhealthySince != null) {
                    long after = Duration.between(unhealthySince, ctx.clock().instant()).toMillis();
                    unhealthySince = null;
                    message = null;
                    publish(InstanceState.READY, running, running.started());
                    log.info("instance healthy again app={} release={} instance={} unhealthy_ms={}",
                            assignment.app(), assignment.release().number(), id, after);
                    emit(EventTypes.HEALTH_RECOVERED, "healthy again after " + seconds(Duration.ofMillis(after)),
                            Map.of("unhealthyMs", Long.toString(after)));
                }
            }
        }
    }

    /** An app that ignores PORT: find what its process tree listens on. True when found a new port. */
    private boolean discoverPort() {
        Set<Integer> listening = ProcessTree.listeningPorts(ProcessTree.tree(current.pid()));
        if (listening.isEmpty() || listening.contains(port) || listening.contains(effectivePort)) {
            return false;
        }
        effectivePort = listening.iterator().next();
        message = "ignores PORT " + port + ", listens on " + effectivePort;
        log.warn("instance ignores PORT app={} release={} instance={} port={} listening={}: using {}; "
                        + "make the app listen on process.env.PORT", assignment.app(),
                assignment.release().number(), id, port, listening, effectivePort);
        return true;
    }

    private void becomeReady() {
        firstStart = false;
        crashLooping = false;
        publish(InstanceState.READY, current, current.started());
        log.info("instance ready app={} release={} instance={} pid={} port={} after_ms={}", assignment.app(),
                assignment.release().number(), id, current.pid(), effectivePort,
                Duration.between(current.started(), ctx.clock().instant()).toMillis());
        emit(EventTypes.INSTANCE_READY, "ready on port " + effectivePort,
                Map.of("pid", Long.toString(current.pid()), "port", Integer.toString(effectivePort)));
    }

    /**
     * Records an exit and waits out the back-off. Returns null to launch again, or the STOP or
     * DETACH that arrived meanwhile (the process is already dead).
     */
    private Command backOff(Instant started) throws InterruptedException {
        Instant now = ctx.clock().instant();
        RestartTracker.Decision decision = tracker.onExit(started, now);
        restarts++;
        boolean enteringLoop = decision.crashLoop() && !crashLooping;
        crashLooping = decision.crashLoop();
        InstanceState next = decision.crashLoop() ? InstanceState.CRASH_LOOP : InstanceState.BACKOFF;
        if (pump != null) { // whoever reacts to the exit (a rollout in probation) quotes its last lines: log them first
            pump.awaitCaughtUp(Duration.ofMillis(100));
        }
        publish(next, null, now);
        log.warn("instance exited app={} release={} instance={} exit=\"{}\" uptime_ms={} restart_in_ms={} "
                        + "quick_deaths={}", assignment.app(), assignment.release().number(), id, lastExit,
                Duration.between(started, now).toMillis(), decision.delay().toMillis(), decision.quickDeaths());
        emit(EventTypes.INSTANCE_EXITED, lastExit, Map.of("restartInMs", Long.toString(decision.delay().toMillis()),
                "uptimeMs", Long.toString(Duration.between(started, now).toMillis())));
        if (enteringLoop) {
            log.error("instance crash loop app={} release={} instance={} quick_deaths={} exit=\"{}\": still "
                            + "retried every {}; read its log", assignment.app(), assignment.release().number(), id,
                    decision.quickDeaths(), lastExit, seconds(ctx.config().restart().maxDelay()));
            emit(EventTypes.INSTANCE_CRASH_LOOP, decision.quickDeaths() + " quick deaths in a row, last " + lastExit,
                    Map.of("quickDeaths", Integer.toString(decision.quickDeaths())));
        }
        Instant until = now.plus(decision.delay());
        while (true) {
            long left = Duration.between(ctx.clock().instant(), until).toMillis();
            Signal signal = left > 0 ? mailbox.poll(left, TimeUnit.MILLISECONDS) : null;
            if (signal == null) {
                return null;
            }
            if (signal == Command.STOP || signal == Command.DETACH) {
                return (Command) signal;
            }
            if (signal == Command.RESTART) {
                tracker.reset();
                return null;
            }
        }
    }

    /**
     * True when the assignment's release is the app's live one, no rollout under way: this start is a wake from idle
     * stop, a start after a stop or a move to another agent, and an exit is a crash like any (back-off, then
     * crash-loop). Only a deploy's new instances fail fast (FAILED), so that the deploy can say why.
     */
    private static boolean released(RunnerContext ctx, Assignment a) {
        try {
            return ctx.state().app(a.app())
                    .map(s -> s.candidate() == 0 && s.release() == a.release().number()).orElse(false);
        } catch (RuntimeException e) {
            return false; // state unreadable: the stricter first-start rule
        }
    }

    /** FAILED: the first start never got ready. Returns the STOP, DETACH or RESTART that ends it. */
    private Command fail(String why) throws InterruptedException {
        message = why;
        if (pump != null) {
            pump.awaitCaughtUp(java.time.Duration.ofMillis(300)); // the failure report quotes its last lines
        }
        publish(InstanceState.FAILED, null, ctx.clock().instant());
        log.error("instance failed app={} release={} instance={} reason=\"{}\": the release does not start; "
                + "read its log", assignment.app(), assignment.release().number(), id, why);
        emit(EventTypes.INSTANCE_EXITED, "failed: " + why, Map.of("state", InstanceState.FAILED.label()));
        while (true) {
            if (mailbox.take() instanceof Command command) {
                return command; // RESTART: a new first start
            }
        }
    }

    /** The next signal that concerns the current process. */
    private Signal next() throws InterruptedException {
        while (true) {
            Signal signal = mailbox.take();
            if (!stale(signal)) {
                return signal;
            }
        }
    }

    private boolean stale(Signal signal) {
        return (signal instanceof Exited e && (current == null || e.generation() != current.generation()))
                || (signal instanceof Health h && (current == null || h.generation() != current.generation()));
    }

    /**
     * Stops the current process and everything in its group: (drain,) SIGTERM, grace, SIGKILL. The
     * JVM reaps its own child; a re-adopted process is reaped by init.
     */
    private void terminate(Duration drain) throws InterruptedException {
        Running running = current;
        if (running == null || running.exit().isDone()) {
            if (running != null) {
                killRemnants(running.pid());
            }
            return;
        }
        publish(InstanceState.STOPPING, running, ctx.clock().instant());
        if (!drain.isZero()) {
            drain(running, drain);
        }
        long pid = running.pid();
        Set<Long> tree = ProcessTree.tree(pid);
        ProcessTree.signalGroup(pid, "TERM");
        Instant deadline = ctx.clock().instant().plus(ctx.config().stopGrace());
        boolean exited = await(running.exit(), ctx.config().stopGrace());
        while (exited && !ProcessTree.groupMembers(pid).isEmpty() && ctx.clock().instant().isBefore(deadline)) {
            Thread.sleep(20);
        }
        if (!exited || !ProcessTree.groupMembers(pid).isEmpty()) {
            log.warn("instance ignored SIGTERM app={} release={} instance={} pid={} grace_ms={}: sending SIGKILL",
                    assignment.app(), assignment.release().number(), id, pid, ctx.config().stopGrace().toMillis());
            ProcessTree.signalGroup(pid, "KILL");
            ProcessTree.killAll(tree.stream().filter(p -> p != pid).toList());
            emptyCgroup();
            if (!await(running.exit(), Duration.ofSeconds(5))) {
                log.error("instance survived SIGKILL app={} release={} instance={} pid={}", assignment.app(),
                        assignment.release().number(), id, pid);
            }
        }
        lastExit = running.exit().getNow("still running");
        log.info("instance stopped app={} release={} instance={} pid={} exit=\"{}\"", assignment.app(),
                assignment.release().number(), id, pid, lastExit);
    }

    /**
     * Routers drop a STOPPING instance from their tables and close their idle connections to it; its
     * in-flight requests finish on theirs. So: wait for the routers to see the change, then until no
     * client is connected to the instance's port any more, at most {@code drain} in all.
     */
    private void drain(Running running, Duration drain) throws InterruptedException {
        Instant begun = ctx.clock().instant();
        Instant deadline = begun.plus(drain);
        Duration settle = drain.compareTo(DRAIN_SETTLE) < 0 ? drain : DRAIN_SETTLE;
        if (await(running.exit(), settle)) {
            return;
        }
        int connected;
        while ((connected = ProcessTree.inboundConnections(effectivePort)) > 0
                && ctx.clock().instant().isBefore(deadline)) {
            if (await(running.exit(), DRAIN_POLL)) {
                return;
            }
        }
        long tookMs = Duration.between(begun, ctx.clock().instant()).toMillis();
        if (connected > 0) {
            log.warn("instance drain timed out app={} release={} instance={} port={} connections={} drain_ms={}: "
                            + "stopping it anyway; raise --drain-timeout if requests run longer",
                    assignment.app(), assignment.release().number(), id, effectivePort, connected, tookMs);
        } else {
            log.info("instance drained app={} release={} instance={} port={} drain_ms={}", assignment.app(),
                    assignment.release().number(), id, effectivePort, tookMs);
        }
    }

    /**
     * After an unexpected exit: what the app left in its group must not outlive it (pm2's treekill).
     * Runs off the restart path, after a pause, and without forking, so that it does not compete
     * with the replacement process for CPU while that one boots.
     */
    private void killRemnants(long pgid) {
        Thread.ofVirtual().name("remnants-" + id).start(() -> {
            try {
                Thread.sleep(REMNANT_PAUSE.toMillis());
                Set<Long> left = ProcessTree.groupMembers(pgid);
                if (!left.isEmpty()) {
                    log.warn("instance left processes behind app={} release={} instance={} pgid={} pids={}: killing them",
                            assignment.app(), assignment.release().number(), id, pgid, left);
                    ProcessTree.killAll(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("could not clean up process group pgid={} instance={} error={}", pgid, id, e.toString());
            }
        });
    }

    private void finish(boolean detached) {
        try {
            if (pump != null) {
                pump.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!detached && cgroup != null) {
            emptyCgroup();
            cgroup.remove();
        }
        if (detached) {
            log.info("instance detached app={} release={} instance={} pid={}: left running for re-adoption",
                    assignment.app(), assignment.release().number(), id, current == null ? -1 : current.pid());
        } else {
            ctx.ports().release(port);
            try {
                ctx.workspaces().remove(id);
            } catch (IOException | RuntimeException e) {
                log.warn("event=workspace.not-removed instance={} error={}", id, e.toString());
            }
            try {
                ctx.store().delete(id);
            } catch (UncheckedIOException e) {
                log.warn("instance record not deleted instance={} error={}", id, e.getMessage());
            }
            try {
                ctx.state().removeInstance(id);
            } catch (RuntimeException e) {
                log.warn("instance status not removed instance={} error={}", id, e.toString());
            }
            emit(EventTypes.INSTANCE_STOPPED, "stopped" + (lastExit == null ? "" : " (" + lastExit + ")"), Map.of());
        }
        done.complete(null);
        onGone.accept(this);
    }

    // --- helpers ---

    /** After an exit: if the kernel's OOM killer struck in this instance's cgroup, say so (event and exit). */
    private void noteOomKill() {
        if (cgroup == null) {
            return;
        }
        long kills = cgroup.oomKills();
        if (kills > oomKillsSeen) {
            oomKillsSeen = kills;
            lastExit = "killed: out of memory (limit " + ctx.limits().memoryText() + ")";
            log.warn("event=instance.oom-killed app={} release={} instance={} limit_bytes={}: restarting; give it "
                    + "more memory (--app-memory) or make it use less", assignment.app(), assignment.release().number(),
                    id, ctx.limits().memoryBytes());
            emit(EventTypes.INSTANCE_OOM_KILLED, lastExit,
                    Map.of("limitBytes", Long.toString(ctx.limits().memoryBytes())));
        }
    }

    /** SIGKILL to whatever is still in the instance's cgroup (forks that left its process group), a few rounds. */
    private void emptyCgroup() {
        if (cgroup == null) {
            return;
        }
        if (!cgroup.empty(CGROUP_EMPTYING)) {
            log.warn("event=cgroup.not-empty instance={} pids={}", id, cgroup.pids());
        }
    }

    private void save(Running running) {
        ctx.store().save(new InstanceRecord(assignment, running.pid(), running.startTime(), port, restarts,
                running.started(), user == null ? -1 : user.uid(), user == null ? -1 : user.gid()));
    }

    private void publish(InstanceState state, Running running, Instant since) {
        InstanceStatus next = new InstanceStatus(id, assignment.app(), assignment.release().number(),
                ctx.config().agentId(), ctx.config().host(), effectivePort, running == null ? 0 : running.pid(),
                state, since, restarts, lastExit, message);
        status = next;
        try {
            ctx.state().putInstance(next);
        } catch (RuntimeException e) {
            log.warn("instance status not written app={} release={} instance={} state={} error={}: the cluster "
                    + "sees it late", assignment.app(), assignment.release().number(), id, state.label(), e.toString());
        }
    }

    private void emit(String type, String text, Map<String, String> data) {
        Map<String, String> all = new LinkedHashMap<>(data);
        all.put("restarts", Integer.toString(restarts));
        if (lastExit != null) {
            all.putIfAbsent("lastExit", lastExit);
        }
        try {
            ctx.events().emit(new Event(ctx.clock().instant(), type, assignment.app(), assignment.release().number(),
                    id, ctx.config().host(), text, all));
        } catch (RuntimeException e) {
            log.warn("event not delivered type={} instance={} error={}", type, id, e.toString());
        }
    }

    private static boolean await(CompletableFuture<String> future, Duration timeout) throws InterruptedException {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** A TCP connection to the port on loopback succeeds. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** "code 3", or "signal 9" for the JVM's 128+N convention of a signalled child. */
    static String describe(int exitValue) {
        if (exitValue > 128 && exitValue < 128 + 65) {
            return "signal " + (exitValue - 128);
        }
        return "code " + exitValue;
    }
}
