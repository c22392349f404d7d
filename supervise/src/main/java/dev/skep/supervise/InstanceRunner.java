package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.supervise.InstanceSignal.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one instance on its own virtual thread: takes what it holds on this host ({@link InstanceSlot}), then feeds
 * its {@link InstanceMachine} one signal at a time from a mailbox (the agent's commands, process exits, probes,
 * timers), so all of its state has one owner. When the machine is done, gives the slot back.
 */
final class InstanceRunner {

    private static final Logger log = LoggerFactory.getLogger(InstanceRunner.class);

    private final Assignment assignment;
    private final String id;
    private final RunnerContext ctx;
    private final InstanceRecord previous;
    private final boolean adopt;
    private final Consumer<InstanceRunner> onGone;
    private final BlockingQueue<InstanceSignal> mailbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile StatusReport report;
    private volatile boolean stopRequested;
    /** The command that ended the wait for a slot that could not be had, or null. */
    private Command slotlessEnd;
    private static final Duration SLOT_RETRY_FIRST = Duration.ofSeconds(1);
    private static final Duration SLOT_RETRY_MAX = Duration.ofSeconds(30);

    /**
     * @param previous the record a former agent process left, or null
     * @param adopt    true when {@code previous}'s process still runs and is to be adopted
     */
    InstanceRunner(Assignment assignment, RunnerContext ctx, InstanceRecord previous, boolean adopt,
                   Consumer<InstanceRunner> onGone) {
        this.assignment = assignment;
        this.id = assignment.instance();
        this.ctx = ctx;
        this.previous = previous;
        this.adopt = adopt && previous != null;
        this.onGone = onGone;
    }

    String instance() {
        return id;
    }

    Assignment assignment() {
        return assignment;
    }

    /** The last status written, or null before the first. */
    InstanceStatus status() {
        StatusReport r = report;
        return r == null ? null : r.last();
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
        InstanceSlot slot = null;
        InstanceMachine machine = null;
        try {
            slot = openSlot();
            if (slot == null) {
                detached = adopt && slotlessEnd == Command.DETACH; // an adopted process keeps running
                return;
            }
            report = new StatusReport(ctx, assignment, slot);
            machine = machine(slot);
            machine.begin(adopt);
            while (!machine.finished()) {
                machine.on(mailbox.take());
            }
            detached = machine.detached();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detached = true; // leave the app running; the next agent re-adopts it
        } catch (RuntimeException e) {
            log.error("event=instance.supervision-failed app={} release={} instance={} error=\"{}\" "
                    + "effect=\"stopping it; "
                    + "the next reconcile starts it again\"", assignment.app(), assignment.release().number(), id,
                    e.toString(), e);
            abort(machine);
        } finally {
            finish(slot, machine, detached);
        }
    }

    /**
     * Takes the instance's slot (port, cgroup, run dir, log pump). When that fails (a full disk, say), the instance
     * says why in its status and tries again with back-off until it is stopped, instead of ending at once to be
     * started again by the next reconcile, in a loop nobody saw: a deploy's new instance is FAILED, so the deploy
     * fails at once saying why; any other stays STARTING with the reason until the slot can be had. Null when a
     * command ended the wait ({@link #slotlessEnd} says which).
     */
    private InstanceSlot openSlot() throws InterruptedException {
        boolean deployStart = previous == null && !released(ctx, assignment);
        long backoffMillis = SLOT_RETRY_FIRST.toMillis();
        while (true) {
            try {
                return InstanceSlot.open(ctx, assignment, previous, adopt);
            } catch (IOException | RuntimeException e) {
                String why = "could not prepare the instance on " + ctx.config().agentId() + ": "
                        + (e.getMessage() == null ? e.toString() : e.getMessage());
                log.error("event=instance.slot-failed app={} release={} instance={} error=\"{}\" retry_in_ms={} "
                                + "fix=\"free space or fix the agent's data dir\"", assignment.app(),
                        assignment.release().number(), id, why, backoffMillis);
                report = new StatusReport(ctx, assignment, null); // no slot: publish and forget need none
                report.publish(
                        deployStart ? InstanceState.FAILED : InstanceState.STARTING, null, ctx.clock().instant(),
                        new InstanceReport.Facts(0, 0, null, why));
            }
            InstanceSignal signal = mailbox.poll(backoffMillis, TimeUnit.MILLISECONDS);
            if (signal == Command.STOP || signal == Command.DETACH) {
                slotlessEnd = (Command) signal;
                return null;
            }
            backoffMillis = signal == Command.RESTART ? SLOT_RETRY_FIRST.toMillis()
                    : Math.min(backoffMillis * 2, SLOT_RETRY_MAX.toMillis());
        }
    }

    private InstanceMachine machine(InstanceSlot slot) {
        ProbedHealth health = new ProbedHealth(ctx, assignment);
        InstanceSteps steps = new InstanceSteps(new OsLaunch(ctx, assignment, slot, previous, done),
                new PortReadiness(assignment, health::check), health, new GroupStop(ctx, assignment, slot), report);
        return new InstanceMachine(assignment, slot.port(), InstanceSteps.Settings.of(ctx.config()), steps,
                new RestartTracker(ctx.config().restart(), ctx.random()), Timers.system(ctx.clock()), mailbox::add,
                previous == null && !released(ctx, assignment), previous == null ? 0 : previous.restarts());
    }

    private void abort(InstanceMachine machine) {
        if (machine == null) {
            return;
        }
        try {
            machine.abort();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            InstanceProc current = machine.current();
            log.error("event=instance.stop-failed instance={} pid={} action=\"kill it by hand\"", id,
                    current == null ? -1 : current.pid());
        }
    }

    /**
     * True when the assignment's release is the app's live one, no rollout under way: this start is a wake from idle
     * stop, a start after a stop or a move to another agent, and an exit is a crash like any (back-off, then
     * crash-loop). Only a deploy's new instances fail fast (FAILED), so that the deploy can say why.
     */
    private static boolean released(RunnerContext ctx, Assignment a) {
        try {
            return ctx.catalog().app(a.app())
                    .map(s -> s.candidate() == 0 && s.release() == a.release().number()).orElse(false);
        } catch (RuntimeException e) {
            return false; // state unreadable: the stricter first-start rule
        }
    }

    private void finish(InstanceSlot slot, InstanceMachine machine, boolean detached) {
        ctx.board().remove(id);
        if (slot != null) {
            slot.release(detached);
        }
        if (detached) {
            InstanceProc current = machine == null ? null : machine.current();
            log.info("event=instance.detached app={} release={} instance={} pid={} effect=\"left running for "
                    + "re-adoption\"",
                    assignment.app(), assignment.release().number(), id, current == null ? -1 : current.pid());
        } else {
            StatusReport last = report != null ? report : new StatusReport(ctx, assignment, null);
            last.forget(machine == null ? new InstanceReport.Facts(0, 0, null, null) : machine.facts());
        }
        done.complete(null);
        onGone.accept(this);
    }
}
