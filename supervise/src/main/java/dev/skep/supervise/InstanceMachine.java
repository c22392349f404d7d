package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.InstanceState;
import dev.skep.model.ProcessTypes;
import dev.skep.model.limits.ResourceLimits;
import dev.skep.supervise.InstanceSignal.Command;
import dev.skep.supervise.InstanceSignal.Due;
import dev.skep.supervise.InstanceSignal.Exited;
import dev.skep.supervise.InstanceSignal.Health;
import dev.skep.supervise.InstanceSignal.Ready;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The life of one instance as a state machine: {@link #on} takes one signal, acts through the steps and returns.
 * It never sleeps: each wait is a timer of {@link Timers} that posts a {@link Due}, and each step that takes time
 * (readiness, health) answers with a signal later. Only stopping a process blocks, inside {@link InstanceStop}.
 * Not thread-safe: one thread (the {@link InstanceRunner}'s) feeds it.
 *
 * <pre>
 *  FETCHING ─slug here─> STARTING ──Ready (web: own socket, HTTP; other types: ran SETTLE)──> READY
 *     └─(fails: retry, doubling)                  │                                 │ ^ health
 *                                                 │                                 v │
 *                                                 │                             UNHEALTHY ─(restartAfter)─> restart
 *  STARTING | READY ──Exited──> BACKOFF ─(delay)─> STARTING  (CRASH_LOOP after N quick deaths, retried at the cap)
 *  STARTING ─Exited or timeout on a first start─> FAILED (process stopped; waits for a command)
 *  any ──STOP──> drain, SIGTERM, grace, SIGKILL ──> GONE      any ──DETACH──> GONE (process left running)
 *  any ──RESTART──> stop (no drain) ──> STARTING on the same port, back-off forgotten
 * </pre>
 */
final class InstanceMachine {

    /** How long a process type other than web must keep running to be ready. */
    static final Duration SETTLE = Duration.ofSeconds(1);

    enum Phase { FETCHING, STARTING, READY, UNHEALTHY, BACKOFF, FAILED, GONE }

    private final Assignment assignment;
    private final String id;
    /** Web takes the route: readiness is its port (and health path); other types are ready by running. */
    private final boolean web;
    /** The port allocated to the instance; {@link #effectivePort} is where it listens. */
    private final int port;
    private final InstanceSteps.Settings settings;
    private final InstanceSteps steps;
    private final RestartTracker tracker;
    private final Timers timers;
    private final Consumer<InstanceSignal> post;
    private final InstanceNarration say;
    private final Alarm alarm;

    private Phase phase;
    private boolean detached;
    private InstanceProc current;
    private int generation;
    private int restarts;
    private int effectivePort;
    private String lastExit;
    private String message;
    /** A deploy's new instance: its exits before it is ready fail it (FAILED) rather than back off. */
    private boolean firstStart;
    private boolean crashLooping;
    private String restartReason;
    private Instant unhealthySince;
    private final SlugRetry slugRetry = new SlugRetry();
    private InstanceReadiness.Probe probe;
    private InstanceHealth.Watch healthWatch;

    /**
     * @param post       queues a signal for a later {@link #on} (on the feeding thread)
     * @param firstStart whether exits before ready fail the instance instead of backing off
     * @param restarts   how often it was restarted before (from a former agent's record)
     */
    InstanceMachine(Assignment assignment, int port, InstanceSteps.Settings settings, InstanceSteps steps,
                    RestartTracker tracker, Timers timers, Consumer<InstanceSignal> post, boolean firstStart,
                    int restarts) {
        this.assignment = assignment;
        this.id = assignment.instance();
        this.web = ProcessTypes.isWeb(assignment.type());
        this.port = port;
        this.effectivePort = port;
        this.settings = settings;
        this.steps = steps;
        this.tracker = tracker;
        this.timers = timers;
        this.post = post;
        this.firstStart = firstStart;
        this.restarts = restarts;
        this.alarm = new Alarm(timers, post);
        this.say = new InstanceNarration(assignment, steps.report(), this::facts);
    }

    /** Starts: adopts the running process a former agent left, or fetches the slug and launches. */
    void begin(boolean adopt) throws InterruptedException {
        if (adopt) {
            generation++;
            InstanceProc proc = steps.launch().adopt(generation);
            started(proc);
            say.adopted(proc, port);
        } else {
            phase = Phase.FETCHING;
            fetchSlug();
        }
    }

    void on(InstanceSignal signal) throws InterruptedException {
        if (phase == Phase.GONE) {
            return;
        }
        switch (signal) {
            case Command command -> command(command);
            case Due due -> {
                if (alarm.rings(due)) {
                    due();
                }
            }
            case Exited exited -> {
                if (ofCurrent(exited.generation()) && running()) {
                    exited(exited.how());
                }
            }
            case Ready ready -> {
                if (ofCurrent(ready.generation()) && phase == Phase.STARTING) {
                    ready(ready.port(), ready.note());
                }
            }
            case Health health -> {
                if (ofCurrent(health.generation()) && (phase == Phase.READY || phase == Phase.UNHEALTHY)) {
                    health(health.healthy(), health.why());
                }
            }
        }
    }

    /** After a failure of the machine itself: stops the process (no drain) and ends. */
    void abort() throws InterruptedException {
        closeWatches();
        if (running()) {
            stopProcess(Duration.ZERO);
        }
        end(false);
    }

    Phase phase() {
        return phase;
    }

    boolean finished() {
        return phase == Phase.GONE;
    }

    /** True when it ended leaving its process running for the next agent. */
    boolean detached() {
        return detached;
    }

    InstanceProc current() {
        return current;
    }

    InstanceReport.Facts facts() {
        return new InstanceReport.Facts(effectivePort, restarts, lastExit, message);
    }

    // --- transitions ---

    private void command(Command command) throws InterruptedException {
        switch (command) {
            case DETACH -> end(true);
            case STOP -> {
                if (running()) {
                    closeWatches();
                    stopProcess(settings.drainDelay());
                }
                end(false);
            }
            case RESTART -> {
                switch (phase) {
                    case FETCHING -> fetchSlug();
                    case BACKOFF -> {
                        tracker.reset();
                        launch();
                    }
                    case FAILED -> launch(); // a new first start
                    default -> restart();
                }
            }
        }
    }

    private void due() throws InterruptedException {
        switch (phase) {
            case FETCHING -> fetchSlug();
            case STARTING -> {
                if (web) {
                    notReady();
                } else {
                    ready(effectivePort, null);
                }
            }
            case UNHEALTHY -> {
                Duration unhealthy = Duration.between(unhealthySince, timers.now());
                restartReason = "unhealthy for " + InstanceNarration.seconds(unhealthy);
                restart();
            }
            case BACKOFF -> launch();
            default -> throw new IllegalStateException("timer due in phase " + phase);
        }
    }

    /** Gets the slug here, retrying with back-off while it cannot be had: STARTING, saying why, not FAILED. */
    private void fetchSlug() throws InterruptedException {
        int attempt = slugRetry.attempt();
        try {
            steps.launch().fetchSlug();
        } catch (IOException | RuntimeException e) {
            Duration wait = slugRetry.failed();
            message = "fetching its slug failed (" + e.getMessage() + "); retry " + (attempt + 1) + " in "
                    + wait.toMillis() + " ms";
            publish(InstanceState.STARTING, null, timers.now());
            say.slugRetry(attempt, wait, e);
            alarm.arm(wait);
            return;
        }
        if (attempt > 1) {
            say.slugRecovered(attempt);
        }
        launch();
    }

    private void launch() throws InterruptedException {
        alarm.cancel();
        generation++;
        message = null;
        effectivePort = port;
        InstanceProc proc;
        try {
            proc = steps.launch().launch(generation);
        } catch (IOException | RuntimeException e) {
            current = null;
            lastExit = "launch failed: " + e.getMessage();
            say.launchFailed(e);
            noteOomKill();
            Instant now = timers.now();
            afterExit("exited before it was ready (" + lastExit + ")", now, false);
            return;
        }
        started(proc);
        say.started(proc, port);
    }

    /** A process runs (launched or adopted): STARTING until it is ready. */
    private void started(InstanceProc proc) {
        current = proc;
        phase = Phase.STARTING;
        int gen = proc.generation();
        proc.exit().thenAccept(how -> post.accept(new Exited(gen, how)));
        steps.report().save(proc, restarts);
        publish(InstanceState.STARTING, proc, proc.started());
        if (web) {
            probe = steps.readiness().await(proc, effectivePort, post);
            alarm.arm(settings.startTimeout());
        } else {
            // no port to check: ready once it kept running for SETTLE, so one that dies as it loads (a syntax
            // error, a missing module) fails its start rather than counting as ready for a moment
            alarm.arm(Duration.between(timers.now(), proc.started().plus(SETTLE)));
        }
    }

    private void ready(int listening, String note) {
        closeWatches();
        alarm.cancel();
        effectivePort = listening;
        if (note != null) {
            message = note;
        }
        firstStart = false;
        crashLooping = false;
        phase = Phase.READY;
        publish(InstanceState.READY, current, current.started());
        say.ready(current, effectivePort, Duration.between(current.started(), timers.now()));
        healthWatch = steps.health().watch(current, effectivePort, post);
    }

    /**
     * An unhealthy process leaves the route table (its status says UNHEALTHY); one that stays unhealthy for the
     * check's {@code restartAfter} is restarted.
     */
    private void health(boolean healthy, String why) {
        if (!healthy && unhealthySince == null) {
            unhealthySince = timers.now();
            message = "unhealthy: " + why;
            phase = Phase.UNHEALTHY;
            publish(InstanceState.UNHEALTHY, current, current.started());
            say.unhealthy(why, effectivePort);
            alarm.arm(steps.health().restartAfter());
        } else if (healthy && unhealthySince != null) {
            Duration after = Duration.between(unhealthySince, timers.now());
            unhealthySince = null;
            message = null;
            alarm.cancel();
            phase = Phase.READY;
            publish(InstanceState.READY, current, current.started());
            say.recovered(after);
        }
    }

    /** A web process that did not get ready within the start timeout. */
    private void notReady() throws InterruptedException {
        String lastWhy = probe == null ? null : probe.lastWhy();
        String why = "not ready within " + InstanceNarration.seconds(settings.startTimeout())
                + (lastWhy == null ? "" : " (last check: " + lastWhy + ")");
        closeWatches();
        stopProcess(Duration.ZERO);
        lastExit = why;
        afterExit(why, current.started(), false);
    }

    private void exited(String how) throws InterruptedException {
        boolean wasReady = phase != Phase.STARTING;
        closeWatches();
        alarm.cancel();
        lastExit = how;
        noteOomKill();
        steps.stop().sweep(current);
        afterExit("exited before it was ready (" + how + ")", current.started(), wasReady);
    }

    /** @param wasReady whether the process got ready before it ended */
    private void afterExit(String failure, Instant started, boolean wasReady) throws InterruptedException {
        if (firstStart) {
            fail(failure);
        } else {
            backOff(started, wasReady);
        }
    }

    /** Stop and start again at once on the same port, the back-off history forgotten. */
    private void restart() throws InterruptedException {
        closeWatches();
        alarm.cancel();
        stopProcess(Duration.ZERO);
        tracker.reset();
        restarts++;
        if (restartReason != null) {
            lastExit = "restarted: " + restartReason;
        }
        say.restarted(restartReason, lastExit);
        restartReason = null;
        launch();
    }

    /** Records an exit, then launches again after the tracker's delay (BACKOFF, or CRASH_LOOP). */
    private void backOff(Instant started, boolean wasReady) throws InterruptedException {
        Instant now = timers.now();
        // a start that never got ready did not run, however long it took (a start timeout is far past the
        // minimum uptime): counted as a quick death, so an app that hangs on start crash-loops as one that exits
        RestartTracker.Decision decision = wasReady ? tracker.onExit(started, now) : tracker.onFailedStart();
        restarts++;
        boolean enteringLoop = decision.crashLoop() && !crashLooping;
        crashLooping = decision.crashLoop();
        phase = Phase.BACKOFF;
        // whoever reacts to the exit (a rollout in probation) quotes its last lines: log them first
        steps.report().logsCaughtUp(Duration.ofMillis(100));
        publish(decision.crashLoop() ? InstanceState.CRASH_LOOP : InstanceState.BACKOFF, null, now);
        say.exited(lastExit, Duration.between(started, now), decision);
        if (enteringLoop) {
            say.crashLoop(lastExit, decision, settings.crashLoopRetry());
        }
        if (decision.delay().isZero()) {
            launch();
        } else {
            alarm.arm(decision.delay());
        }
    }

    /** FAILED: the first start never got ready. It waits for STOP, DETACH or RESTART. */
    private void fail(String why) throws InterruptedException {
        message = why;
        phase = Phase.FAILED;
        steps.report().logsCaughtUp(Duration.ofMillis(300)); // the failure report quotes its last lines
        publish(InstanceState.FAILED, null, timers.now());
        say.failed(why);
    }

    /** Stops the current process, if it still runs (STOPPING while it drains and stops). */
    private void stopProcess(Duration drain) throws InterruptedException {
        if (current == null) {
            return;
        }
        if (current.exit().isDone()) {
            steps.stop().sweep(current);
            return;
        }
        publish(InstanceState.STOPPING, current, timers.now());
        lastExit = steps.stop().stop(current, effectivePort, drain);
    }

    private void end(boolean leftRunning) {
        closeWatches();
        alarm.cancel();
        detached = leftRunning;
        phase = Phase.GONE;
    }

    // --- helpers ---

    /** After an exit: if the kernel's OOM killer struck in this instance's cgroup, say so (event and exit). */
    private void noteOomKill() {
        Optional<ResourceLimits> killed = steps.launch().oomKilled();
        if (killed.isEmpty()) {
            return;
        }
        ResourceLimits limits = killed.get();
        lastExit = "killed: out of memory (limit " + limits.memoryText() + ")";
        say.oomKilled(limits, lastExit);
    }

    private boolean ofCurrent(int gen) {
        return current != null && current.generation() == gen;
    }

    private boolean running() {
        return phase == Phase.STARTING || phase == Phase.READY || phase == Phase.UNHEALTHY;
    }

    private void closeWatches() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
        if (healthWatch != null) {
            healthWatch.close();
            healthWatch = null;
        }
        unhealthySince = null;
    }

    private void publish(InstanceState state, InstanceProc proc, Instant since) {
        steps.report().publish(state, proc, since, facts());
    }
}
