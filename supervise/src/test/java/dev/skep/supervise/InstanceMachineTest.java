package dev.skep.supervise;

import dev.skep.model.AppId;
import dev.skep.model.Assignment;
import dev.skep.model.InstanceIds;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceState;
import dev.skep.model.Release;
import dev.skep.model.limits.ResourceLimits;
import dev.skep.supervise.InstanceSignal.Command;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instance state machine on a manual clock with fake processes: no threads, no sockets, no sleeping. Each test
 * runs in milliseconds however long the back-off, timeout or grace it walks through.
 */
class InstanceMachineTest {

    private static final int PORT = 31000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final RestartPolicy POLICY = new RestartPolicy(Duration.ofMillis(100), Duration.ofSeconds(30),
            2.0, 0.1, Duration.ofSeconds(1), 3);

    private final ManualTimers timers = new ManualTimers(Instant.parse("2026-01-01T00:00:00Z"));
    private final Queue<InstanceSignal> mailbox = new ArrayDeque<>();
    private final FakeLaunch launch = new FakeLaunch();
    private final FakeReadiness readiness = new FakeReadiness();
    private final FakeHealth health = new FakeHealth();
    private final FakeStop stop = new FakeStop();
    private final Recorder report = new Recorder();

    private InstanceMachine machine(String type, boolean firstStart) throws InterruptedException {
        AppId app = AppId.parse("alice/shop");
        Release release = new Release(app, 1, "sha", "slug-1.tgz", List.of("node", "server.js"), Map.of(),
                Instant.EPOCH, "alice", null, Map.of(type, List.of("node", type + ".js")), List.of());
        Assignment assignment = new Assignment(InstanceIds.next(app, 1, type, 1), "agent-1", release, 1,
                Instant.EPOCH);
        InstanceMachine m = new InstanceMachine(assignment, PORT,
                new InstanceSteps.Settings(START_TIMEOUT, DRAIN, POLICY.maxDelay()),
                new InstanceSteps(launch, readiness, health, stop, report),
                new RestartTracker(POLICY, () -> 0.5), timers, mailbox::add, firstStart, 0);
        m.begin(false);
        return m;
    }

    /** Feeds everything posted so far to the machine, as the runner's thread does. */
    private void deliver(InstanceMachine m) throws InterruptedException {
        InstanceSignal next;
        while ((next = mailbox.poll()) != null) {
            m.on(next);
        }
    }

    private void advance(InstanceMachine m, Duration by) throws InterruptedException {
        timers.advance(by);
        deliver(m);
    }

    private void ready(InstanceMachine m) throws InterruptedException {
        mailbox.add(new InstanceSignal.Ready(launch.last().generation(), PORT, null));
        deliver(m);
    }

    private void exit(InstanceMachine m, String how) throws InterruptedException {
        launch.last().exit().complete(how);
        deliver(m);
    }

    @Test
    void aProcessThatExitsBeforeItIsReadyOnItsFirstStartIsFailedAndWaitsForACommand() throws Exception {
        InstanceMachine m = machine("web", true);
        assertThat(report.states()).containsExactly(InstanceState.STARTING);

        exit(m, "code 1");
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.FAILED);
        assertThat(report.states()).containsExactly(InstanceState.STARTING, InstanceState.FAILED);
        assertThat(report.lastFacts().message()).isEqualTo("exited before it was ready (code 1)");

        advance(m, Duration.ofMinutes(10));
        assertThat(launch.launched).as("FAILED is not retried on its own").isEqualTo(1);

        m.on(Command.RESTART);
        assertThat(launch.launched).isEqualTo(2);
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.STARTING);
    }

    @Test
    void theSecondQuickDeathWaitsTheBackoffDelayOnTheManualClockAndTheThirdReportsACrashLoop() throws Exception {
        InstanceMachine m = machine("web", false);
        ready(m);
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.READY);

        exit(m, "code 1");
        assertThat(launch.launched).as("the first exit is restarted at once").isEqualTo(2);

        exit(m, "code 1");
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.BACKOFF);
        assertThat(report.states()).endsWith(InstanceState.BACKOFF);
        advance(m, Duration.ofMillis(99));
        assertThat(launch.launched).as("not before the initial delay").isEqualTo(2);
        advance(m, Duration.ofMillis(1));
        assertThat(launch.launched).isEqualTo(3);

        exit(m, "code 1");
        assertThat(report.states()).endsWith(InstanceState.CRASH_LOOP);
        assertThat(report.events).contains(EventTypes.INSTANCE_CRASH_LOOP);
        advance(m, Duration.ofSeconds(29));
        assertThat(launch.launched).as("a crash loop is retried at the cap").isEqualTo(3);
        advance(m, Duration.ofSeconds(1));
        assertThat(launch.launched).isEqualTo(4);
        assertThat(m.facts().restarts()).isEqualTo(3);
    }

    @Test
    void anInstanceUnhealthyForRestartAfterIsRestartedButOneThatRecoversInTimeIsNot() throws Exception {
        health.restartAfter = Duration.ofSeconds(30);
        InstanceMachine m = machine("web", false);
        ready(m);

        health.turn(false, "GET /health answered 500");
        deliver(m);
        assertThat(report.states()).endsWith(InstanceState.UNHEALTHY);
        advance(m, Duration.ofSeconds(20));
        health.turn(true, null);
        deliver(m);
        assertThat(report.states()).endsWith(InstanceState.READY);
        advance(m, Duration.ofSeconds(60));
        assertThat(launch.launched).as("recovered in time: not restarted").isEqualTo(1);

        health.turn(false, "GET /health answered 500");
        deliver(m);
        advance(m, Duration.ofSeconds(29));
        assertThat(launch.launched).isEqualTo(1);
        advance(m, Duration.ofSeconds(1));
        assertThat(stop.stopped).as("stopped without a drain").containsExactly(Duration.ZERO);
        assertThat(launch.launched).isEqualTo(2);
        assertThat(m.facts().lastExit()).isEqualTo("restarted: unhealthy for 30 s");
        assertThat(health.open).as("the old process's watch is closed").isEqualTo(0);
    }

    @Test
    void aWorkerIsReadyAfterRunningTheSettleTimeAndADeathBeforeThatFailsItsFirstStart() throws Exception {
        InstanceMachine m = machine("worker", true);
        advance(m, InstanceMachine.SETTLE.minusMillis(1));
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.STARTING);
        assertThat(readiness.probes).as("a worker has no port to probe").isZero();
        exit(m, "code 1");
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.FAILED);

        m.on(Command.RESTART);
        advance(m, InstanceMachine.SETTLE);
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.READY);
        exit(m, "code 1");
        assertThat(m.phase()).as("once ready, a death backs off").isNotEqualTo(InstanceMachine.Phase.FAILED);
    }

    @Test
    void aWebProcessNotReadyWithinTheStartTimeoutIsStoppedAndSaysWhatTheLastCheckAnswered() throws Exception {
        readiness.lastWhy = "connection refused";
        InstanceMachine m = machine("web", true);
        advance(m, START_TIMEOUT.minusMillis(1));
        assertThat(stop.stopped).isEmpty();
        advance(m, Duration.ofMillis(1));
        assertThat(stop.stopped).containsExactly(Duration.ZERO);
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.FAILED);
        assertThat(report.lastFacts().message()).isEqualTo("not ready within 60 s (last check: connection refused)");
        assertThat(readiness.open).isZero();
    }

    /**
     * Issue 12: an app that never becomes ready on wake (or after any restart) goes to crash-loop as one that exits
     * at once does. Each start lasts the whole start timeout, far past the minimum uptime, yet none of them ran.
     */
    @Test
    void aRestartedWebProcessThatNeverGetsReadyCrashLoopsAfterAsManyStartsAsAQuickDeath() throws Exception {
        readiness.lastWhy = "connection refused";
        InstanceMachine m = machine("web", false);
        for (int start = 1; start < POLICY.crashLoopAfter(); start++) {
            assertThat(launch.launched).isEqualTo(start);
            advance(m, START_TIMEOUT);
            assertThat(report.states()).doesNotContain(InstanceState.CRASH_LOOP);
            advance(m, Duration.ofSeconds(1)); // the back-off so far is at most 200 ms
        }
        assertThat(launch.launched).isEqualTo(POLICY.crashLoopAfter());
        advance(m, START_TIMEOUT);
        assertThat(report.states()).endsWith(InstanceState.CRASH_LOOP);
        assertThat(report.events).contains(EventTypes.INSTANCE_CRASH_LOOP);
        assertThat(m.facts().lastExit()).isEqualTo("not ready within 60 s (last check: connection refused)");
        advance(m, Duration.ofSeconds(29));
        assertThat(launch.launched).as("a crash loop is retried at the cap").isEqualTo(POLICY.crashLoopAfter());
        advance(m, Duration.ofSeconds(1));
        assertThat(launch.launched).isEqualTo(POLICY.crashLoopAfter() + 1);
    }

    @Test
    void stopDrainsAndEndsWhileDetachLeavesTheProcessRunning() throws Exception {
        InstanceMachine m = machine("web", false);
        ready(m);
        m.on(Command.STOP);
        assertThat(stop.stopped).containsExactly(DRAIN);
        assertThat(report.states()).endsWith(InstanceState.STOPPING);
        assertThat(m.finished()).isTrue();
        assertThat(m.detached()).isFalse();

        InstanceMachine other = machine("web", false);
        ready(other);
        other.on(Command.DETACH);
        assertThat(other.finished()).isTrue();
        assertThat(other.detached()).isTrue();
        assertThat(stop.stopped).as("no second stop").hasSize(1);
    }

    @Test
    void aSlugThatCannotBeFetchedIsRetriedWithDoublingWaitsWhileStarting() throws Exception {
        launch.slugFailures = 2;
        InstanceMachine m = machine("web", true);
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.FETCHING);
        assertThat(report.lastFacts().message()).contains("retry 2 in 500 ms");
        advance(m, Duration.ofMillis(500));
        assertThat(report.lastFacts().message()).contains("retry 3 in 1000 ms");
        advance(m, Duration.ofMillis(999));
        assertThat(launch.launched).isZero();
        advance(m, Duration.ofMillis(1));
        assertThat(launch.launched).isEqualTo(1);
        assertThat(report.states()).containsOnly(InstanceState.STARTING);
    }

    @Test
    void aLateExitOfAnOlderProcessIsIgnored() throws Exception {
        InstanceMachine m = machine("web", false);
        ready(m);
        InstanceProc first = launch.last();
        m.on(Command.RESTART);
        assertThat(launch.launched).isEqualTo(2);
        mailbox.add(new InstanceSignal.Exited(first.generation(), "signal 15"));
        deliver(m);
        assertThat(m.phase()).isEqualTo(InstanceMachine.Phase.STARTING);
        assertThat(m.facts().restarts()).isEqualTo(1);
    }

    // --- fakes ---

    /** Timers on a clock that moves only when told; due tasks run in time order. */
    static final class ManualTimers implements Timers {
        private record Task(Instant at, long seq, Runnable run, boolean[] cancelled) {
        }

        private final PriorityQueue<Task> tasks = new PriorityQueue<>(
                Comparator.comparing(Task::at).thenComparingLong(Task::seq));
        private Instant now;
        private long seq;

        ManualTimers(Instant now) {
            this.now = now;
        }

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public Cancellable after(Duration delay, Runnable task) {
            boolean[] cancelled = {false};
            tasks.add(new Task(now.plus(delay), seq++, task, cancelled));
            return () -> cancelled[0] = true;
        }

        void advance(Duration by) {
            Instant until = now.plus(by);
            while (!tasks.isEmpty() && !tasks.peek().at().isAfter(until)) {
                Task task = tasks.poll();
                now = task.at();
                if (!task.cancelled()[0]) {
                    task.run().run();
                }
            }
            now = until;
        }
    }

    private final class FakeLaunch implements InstanceLaunch {
        int launched;
        int slugFailures;
        private final List<InstanceProc> procs = new ArrayList<>();

        @Override
        public void fetchSlug() throws IOException {
            if (slugFailures-- > 0) {
                throw new IOException("controller unreachable");
            }
        }

        @Override
        public InstanceProc launch(int generation) {
            launched++;
            InstanceProc proc = new InstanceProc(generation, 1000 + generation, 1, timers.now(),
                    new CompletableFuture<>());
            procs.add(proc);
            return proc;
        }

        @Override
        public InstanceProc adopt(int generation) {
            throw new UnsupportedOperationException("not adopted in these tests");
        }

        @Override
        public Optional<ResourceLimits> oomKilled() {
            return Optional.empty();
        }

        InstanceProc last() {
            return procs.getLast();
        }
    }

    private static final class FakeReadiness implements InstanceReadiness {
        int probes;
        int open;
        String lastWhy;

        @Override
        public Probe await(InstanceProc proc, int port, Consumer<InstanceSignal> out) {
            probes++;
            open++;
            return new Probe() {
                @Override
                public String lastWhy() {
                    return lastWhy;
                }

                @Override
                public void close() {
                    open--;
                }
            };
        }
    }

    private static final class FakeHealth implements InstanceHealth {
        Duration restartAfter = Duration.ofSeconds(30);
        int open;
        private Consumer<InstanceSignal> out;
        private int generation;

        @Override
        public Watch watch(InstanceProc proc, int port, Consumer<InstanceSignal> out) {
            this.out = out;
            this.generation = proc.generation();
            open++;
            return () -> open--;
        }

        @Override
        public Duration restartAfter() {
            return restartAfter;
        }

        void turn(boolean healthy, String why) {
            out.accept(new InstanceSignal.Health(generation, healthy, why));
        }
    }

    /** Stops at once: the process ends with SIGTERM. */
    private static final class FakeStop implements InstanceStop {
        final List<Duration> stopped = new ArrayList<>();

        @Override
        public String stop(InstanceProc proc, int port, Duration drain) {
            stopped.add(drain);
            proc.exit().complete("signal 15");
            return "signal 15";
        }

        @Override
        public void sweep(InstanceProc proc) {
        }
    }

    private static final class Recorder implements InstanceReport {
        private final List<InstanceState> published = new ArrayList<>();
        private final List<Facts> facts = new ArrayList<>();
        final List<String> events = new ArrayList<>();

        @Override
        public void save(InstanceProc proc, int restarts) {
        }

        @Override
        public void publish(InstanceState state, InstanceProc proc, Instant since, Facts f) {
            published.add(state);
            facts.add(f);
        }

        @Override
        public void event(String type, String text, Facts f, Map<String, String> data) {
            events.add(type);
        }

        @Override
        public void logsCaughtUp(Duration wait) {
        }

        List<InstanceState> states() {
            return published;
        }

        Facts lastFacts() {
            return facts.getLast();
        }
    }
}
