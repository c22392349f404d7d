package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.InstanceIds;
import dev.skep.model.OneOffs;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.limits.CgroupSlot;
import dev.skep.supervise.workspace.Owner;
import dev.skep.supervise.workspace.Prepared;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one-offs on this agent exactly as it launches instances (same {@link Launcher} chain: own session, the
 * app's uid, its cgroup limits, the release's Node and env, a fresh copy of the slug with the volumes in place),
 * except that the output comes back through a pipe and nothing restarts it. When it ends, or is closed, every
 * process it left (its process group, its cgroup) is killed and its copy removed: a one-off leaves nothing behind.
 */
final class OneOffRunner implements OneOffs {

    private static final Logger log = LoggerFactory.getLogger(OneOffRunner.class);
    /** Longer lines are cut, so a binary blob cannot grow a line without bound. */
    private static final int MAX_LINE = 16 * 1024;
    /** How long what a one-off started may hold its output open after it ended. */
    private static final Duration LEFTOVERS = Duration.ofSeconds(2);

    private final RunnerContext ctx;
    private final AtomicInteger ordinal = new AtomicInteger();

    OneOffRunner(RunnerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String agent() {
        return ctx.config().agentId();
    }

    @Override
    public Running start(Release release, List<String> volumes, List<String> argv, Consumer<String> output) {
        if (argv.isEmpty()) {
            throw new SkepException(Kind.BAD_REQUEST, "no command to run", "give one: skep run USER/APP -- CMD [ARGS]");
        }
        String id = InstanceIds.next(release.app(), release.number(), "run", ordinal.getAndIncrement() % 9999 + 1);
        OneOff oneOff = new OneOff(id, new Assignment(id, agent(), release, 0, ctx.clock().instant(), volumes), argv);
        try {
            oneOff.launch(output);
            return oneOff;
        } catch (IOException | RuntimeException e) {
            oneOff.close();
            if (e instanceof SkepException skep) {
                throw skep;
            }
            throw new SkepException(Kind.FAILED, "could not start the one-off in " + release.app() + " release "
                    + release.number() + " (" + e.getMessage() + ")", "check the agent's log and data dir", e);
        }
    }

    private final class OneOff implements Running {
        private final String id;
        private final Assignment assignment;
        private final List<String> argv;
        private final AtomicBoolean closed = new AtomicBoolean();
        private AppUsers.AppUser user;
        private int port;
        private CgroupSlot cgroup;
        private boolean prepared;
        private Process process;
        private Thread reader;
        private long exitedAt;

        OneOff(String id, Assignment assignment, List<String> argv) {
            this.id = id;
            this.assignment = assignment;
            this.argv = argv;
        }

        void launch(Consumer<String> output) throws IOException {
            Release release = assignment.release();
            user = ctx.users() == null ? null : ctx.users().forApp(release.app());
            Owner owner = user == null ? null : new Owner(user.uid(), user.gid());
            port = ctx.ports().allocate(); // Heroku hands one-offs a PORT too: a one-off may serve
            if (ctx.limits() != null) {
                cgroup = ctx.cgroups().slot(id, ctx.limits(), port).orElse(null);
            }
            Path slugDir = LaunchDirs.sealedSlug(ctx, release, owner);
            prepared = true;
            Prepared dirs = LaunchDirs.prepare(ctx, id, assignment, slugDir, owner);
            process = ctx.launcher().startPiped(new Launcher.Spec(assignment, dirs.appDir(), port,
                    ctx.layout().runDir(id), user, ctx.limits(), cgroup, dirs.head(), argv, slugDir));
            log.info("event=run.started app={} release={} instance={} pid={} uid={} argv0=\"{}\" args={}",
                    release.app(), release.number(), id, process.pid(), user == null ? "-" : user.uid(), argv.get(0),
                    argv.size() - 1);
            reader = Thread.ofVirtual().name("one-off-" + id).start(() -> pump(output));
        }

        /** Reads its merged output to the end, line by line (a long line in pieces). */
        private void pump(Consumer<String> output) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8), MAX_LINE)) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0) {
                    if (c == '\n' || line.length() >= MAX_LINE) {
                        output.accept(line.toString());
                        line.setLength(0);
                        if (c == '\n') {
                            continue;
                        }
                    }
                    line.append((char) c);
                }
                if (!line.isEmpty()) {
                    output.accept(line.toString());
                }
            } catch (IOException | RuntimeException e) {
                // closed under us (killed), or the consumer failed: the exit code still tells the end
                log.debug("event=run.output-ended instance={} error=\"{}\"", id, e.toString());
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public OptionalInt awaitExit(Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.empty();
            }
            if (exitedAt == 0) {
                exitedAt = System.nanoTime();
            }
            if (reader.isAlive() && System.nanoTime() - exitedAt > LEFTOVERS.toNanos()) {
                // it has ended, but something it started still holds the output open: a one-off ends with its
                // command, as Heroku's do, so what it left goes too (and the output with it)
                killEverything();
            }
            // all of its output is handed on before its end is told
            if (!reader.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(process.exitValue());
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            boolean wasRunning = process != null && process.isAlive();
            if (process != null) {
                killEverything();
            }
            if (cgroup != null) {
                cgroup.remove();
            }
            if (port != 0) {
                ctx.ports().release(port);
            }
            if (prepared) {
                try {
                    ctx.workspaces().remove(id);
                } catch (IOException | RuntimeException e) {
                    log.warn("event=workspace.not-removed instance={} error={}", id, e.toString());
                }
            }
            Release release = assignment.release();
            log.info("event=run.ended app={} release={} instance={} exit={}", release.app(), release.number(), id,
                    process == null ? "not started" : wasRunning ? "killed" : Integer.toString(process.exitValue()));
        }

        /** Its session's process group, then whatever is left in its cgroup (a daemon that left the group). */
        private void killEverything() {
            try {
                // setsid made it a group leader: its pid is the group's id
                ProcessTree.signalGroup(process.pid(), "KILL");
                process.waitFor(5, TimeUnit.SECONDS);
                if (cgroup != null && !cgroup.empty(Duration.ofSeconds(1))) {
                    log.warn("event=cgroup.not-empty instance={} pids={}", id, cgroup.pids());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
