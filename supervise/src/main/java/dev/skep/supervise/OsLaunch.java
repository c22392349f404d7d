package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.limits.ResourceLimits;
import dev.skep.supervise.workspace.Owner;
import dev.skep.supervise.workspace.Prepared;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link InstanceLaunch} on this host: the sealed slug, a fresh workspace per launch, {@link Launcher}. */
final class OsLaunch extends SlotStep implements InstanceLaunch {

    private static final Logger log = LoggerFactory.getLogger(OsLaunch.class);
    private static final Duration ADOPTED_EXIT_POLL = Duration.ofMillis(20);

    private final InstanceRecord previous;
    /** Completes when the runner is over: an adopted process is no longer watched then. */
    private final CompletableFuture<Void> done;
    private Path slugDir;

    OsLaunch(RunnerContext ctx, Assignment assignment, InstanceSlot slot, InstanceRecord previous,
             CompletableFuture<Void> done) {
        super(ctx, assignment, slot);
        this.previous = previous;
        this.done = done;
    }

    @Override
    public void fetchSlug() throws IOException {
        slugDir = LaunchDirs.sealedSlug(ctx, assignment.release(), owner());
    }

    @Override
    public InstanceProc launch(int generation) throws IOException {
        Prepared prepared = workspace();
        AppUsers.AppUser user = slot.user();
        int port = slot.port();
        Process process = ctx.launcher().start(new Launcher.Spec(assignment, prepared.appDir(), port,
                ctx.layout().runDir(id), user, ctx.limits(), slot.cgroup(), prepared.head(), null, slugDir));
        Instant started = ctx.clock().instant();
        long pid = process.pid();
        long startTime = ProcessTree.startTime(pid);
        CompletableFuture<String> exit = process.onExit().thenApply(p -> describe(p.exitValue()));
        log.info("event=instance.launched app={} release={} instance={} pid={} port={} uid={}", assignment.app(),
                assignment.release().number(), id, pid, port, user == null ? "-" : user.uid());
        return new InstanceProc(generation, pid, startTime, started, exit);
    }

    /** A process a former agent started: its exit is seen by polling /proc (it is not our child). */
    @Override
    public InstanceProc adopt(int generation) {
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
        log.info("event=instance.adopted app={} release={} instance={} pid={} port={}", assignment.app(),
                assignment.release().number(), id, pid, slot.port());
        return new InstanceProc(generation, pid, startTime, previous.started(), exit);
    }

    @Override
    public Optional<ResourceLimits> oomKilled() {
        return slot.oomKilled() ? Optional.of(ctx.limits()) : Optional.empty();
    }

    /** A fresh writable copy of the slug (sealed first) with the app's volumes in place, for this launch. */
    private Prepared workspace() throws IOException {
        long begun = System.nanoTime();
        if (slugDir == null) {
            fetchSlug();
        }
        Prepared prepared = LaunchDirs.prepare(ctx, id, assignment, slugDir, owner());
        log.info("event=workspace.ready app={} release={} instance={} kind={} volumes={} took_ms={}", assignment.app(),
                assignment.release().number(), id, ctx.workspaces().kind(), assignment.volumes(),
                (System.nanoTime() - begun) / 1_000_000);
        return prepared;
    }

    private Owner owner() {
        AppUsers.AppUser user = slot.user();
        return user == null ? null : new Owner(user.uid(), user.gid());
    }

    /** SIGXFSZ: a write past the file size limit (see {@link ResourceLimits#maxFileBytes()}). */
    private static final int SIGXFSZ = 25;

    /** "code 3", or "signal 9" for the JVM's 128+N convention of a signalled child. */
    static String describe(int exitValue) {
        if (exitValue == 128 + SIGXFSZ) {
            return "signal " + SIGXFSZ + " (a file it wrote, its output included, reached the size limit: its disk "
                    + "quota)";
        }
        if (exitValue > 128 && exitValue < 128 + 65) {
            return "signal " + (exitValue - 128);
        }
        return "code " + exitValue;
    }
}
