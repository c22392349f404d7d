package dev.skep.supervise;

import dev.skep.model.Assignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link InstanceStop} by process group: drain, SIGTERM, grace, SIGKILL, then what is left in the cgroup. These
 * waits are real time on the runner's thread, as a stop is.
 */
final class GroupStop extends SlotStep implements InstanceStop {

    private static final Logger log = LoggerFactory.getLogger(GroupStop.class);
    private static final Duration REMNANT_PAUSE = Duration.ofMillis(250);
    /** How long routers get to see a STOPPING instance before the agent counts connections. */
    static final Duration DRAIN_SETTLE = Duration.ofMillis(500);
    private static final Duration DRAIN_POLL = Duration.ofMillis(50);

    GroupStop(RunnerContext ctx, Assignment assignment, InstanceSlot slot) {
        super(ctx, assignment, slot);
    }

    /** The JVM reaps its own child; a re-adopted process is reaped by init. */
    @Override
    public String stop(InstanceProc running, int port, Duration drain) throws InterruptedException {
        if (!drain.isZero()) {
            drain(running, port, drain);
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
            log.warn("event=instance.sigterm-ignored app={} release={} instance={} pid={} grace_ms={} next=SIGKILL",
                    assignment.app(), assignment.release().number(), id, pid, ctx.config().stopGrace().toMillis());
            ProcessTree.signalGroup(pid, "KILL");
            ProcessTree.killAll(tree.stream().filter(p -> p != pid).toList());
            slot.emptyCgroup();
            if (!await(running.exit(), Duration.ofSeconds(5))) {
                log.error("event=instance.sigkill-survived app={} release={} instance={} pid={}", assignment.app(),
                        assignment.release().number(), id, pid);
            }
        }
        String how = running.exit().getNow("still running");
        log.info("event=instance.stopped app={} release={} instance={} pid={} exit=\"{}\"", assignment.app(),
                assignment.release().number(), id, pid, how);
        return how;
    }

    /**
     * Routers drop a STOPPING instance from their tables and close their idle connections to it; its
     * in-flight requests finish on theirs. So: wait for the routers to see the change, then until no
     * client is connected to the instance's port any more, at most {@code drain} in all.
     */
    private void drain(InstanceProc running, int port, Duration drain) throws InterruptedException {
        Instant begun = ctx.clock().instant();
        Instant deadline = begun.plus(drain);
        Duration settle = drain.compareTo(DRAIN_SETTLE) < 0 ? drain : DRAIN_SETTLE;
        if (await(running.exit(), settle)) {
            return;
        }
        int connected;
        while ((connected = ProcessTree.inboundConnections(port)) > 0
                && ctx.clock().instant().isBefore(deadline)) {
            if (await(running.exit(), DRAIN_POLL)) {
                return;
            }
        }
        long tookMs = Duration.between(begun, ctx.clock().instant()).toMillis();
        if (connected > 0) {
            log.warn("event=instance.drain-timed-out app={} release={} instance={} port={} connections={} drain_ms={} "
                            + "effect=\"stopping it anyway\" fix=\"raise --drain-timeout if requests run longer\"",
                    assignment.app(), assignment.release().number(), id, port, connected, tookMs);
        } else {
            log.info("event=instance.drained app={} release={} instance={} port={} drain_ms={}", assignment.app(),
                    assignment.release().number(), id, port, tookMs);
        }
    }

    /**
     * What the app left in its group must not outlive it (pm2's treekill). Runs off the restart path, after a
     * pause, and without forking, so that it does not compete with the replacement process for CPU while that
     * one boots.
     */
    @Override
    public void sweep(InstanceProc proc) {
        long pgid = proc.pid();
        Thread.ofVirtual().name("remnants-" + id).start(() -> {
            try {
                Thread.sleep(REMNANT_PAUSE.toMillis());
                Set<Long> left = ProcessTree.groupMembers(pgid);
                if (!left.isEmpty()) {
                    log.warn("event=instance.processes-left app={} release={} instance={} pgid={} pids={} "
                            + "next=\"killing them\"",
                            assignment.app(), assignment.release().number(), id, pgid, left);
                    ProcessTree.killAll(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("event=instance.group-cleanup-failed pgid={} instance={} error=\"{}\"", pgid, id,
                        e.toString());
            }
        });
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
}
