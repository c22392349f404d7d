package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.limits.CgroupSlot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What one instance holds on this host while its runner lives: the app's user, its port, its cgroup and its log
 * pump. {@link #release} gives them back.
 */
final class InstanceSlot {

    private static final Logger log = LoggerFactory.getLogger(InstanceSlot.class);
    /** How long the cgroup of an exited instance is swept for what it left (forks racing the kill included). */
    private static final Duration CGROUP_EMPTYING = Duration.ofSeconds(1);

    private final RunnerContext ctx;
    private final String id;
    private final AppUsers.AppUser user;
    private final int port;
    private final CgroupSlot cgroup;
    private final LogPump pump;
    /** Wakes the pump as the capture files are written; closed before it. */
    private final AutoCloseable pumpWakeups;
    private long oomKillsSeen;

    private InstanceSlot(RunnerContext ctx, String id, AppUsers.AppUser user, int port, CgroupSlot cgroup,
                         LogPump pump, AutoCloseable pumpWakeups) {
        this.ctx = ctx;
        this.id = id;
        this.user = user;
        this.port = port;
        this.cgroup = cgroup;
        this.pump = pump;
        this.pumpWakeups = pumpWakeups;
        this.oomKillsSeen = cgroup == null ? 0 : cgroup.oomKills();
    }

    /**
     * @param previous the record a former agent process left, or null
     * @param adopt    true when {@code previous}'s process still runs and is to be adopted: its port is held, not
     *                 probed
     */
    static InstanceSlot open(RunnerContext ctx, Assignment assignment, InstanceRecord previous, boolean adopt)
            throws IOException {
        String id = assignment.instance();
        AppUsers.AppUser user = ctx.users() == null ? null : ctx.users().forApp(assignment.app());
        if (!adopt) {
            // the app's disk before anything is taken: one that went read-only and that an instance on its way out
            // still holds (`skep stop`, then at once `skep start`) keeps this slot waiting, saying why, where its
            // launches would fail at once into a crash loop; each launch readies it again (LaunchDirs)
            ctx.disks().prepare(assignment.app());
        }
        int port;
        if (adopt) {
            port = previous.port();
            ctx.ports().hold(port);
        } else {
            port = ctx.ports().allocate(previous == null ? 0 : previous.port());
        }
        CgroupSlot cgroup = null;
        try {
            cgroup = ctx.limits() == null ? null : ctx.cgroups().slot(id, ctx.limits(), port).orElse(null);
            Path runDir = ctx.layout().runDir(id);
            Files.createDirectories(runDir);
            LogPump pump = new LogPump(id, Launcher.stdout(runDir), Launcher.stderr(runDir),
                    new RotatingLog(ctx.layout().logFile(id), ctx.config().logs()), ctx.config().logs(), ctx.clock());
            pump.start();
            return new InstanceSlot(ctx, id, user, port, cgroup, pump, ctx.logWakeups().watch(runDir, pump));
        } catch (IOException | RuntimeException e) {
            // the runner ends here: give back what was taken, or the next start finds the port held
            if (cgroup != null) {
                cgroup.remove();
            }
            ctx.ports().release(port);
            throw e;
        }
    }

    AppUsers.AppUser user() {
        return user;
    }

    int port() {
        return port;
    }

    CgroupSlot cgroup() {
        return cgroup;
    }

    void logsCaughtUp(Duration wait) throws InterruptedException {
        pump.awaitCaughtUp(wait);
    }

    /** True once per OOM kill the kernel counted in the instance's cgroup since the last look. */
    boolean oomKilled() {
        if (cgroup == null) {
            return false;
        }
        long kills = cgroup.oomKills();
        if (kills > oomKillsSeen) {
            oomKillsSeen = kills;
            return true;
        }
        return false;
    }

    /** SIGKILL to whatever is still in the instance's cgroup (forks that left its process group), a few rounds. */
    void emptyCgroup() {
        if (cgroup == null) {
            return;
        }
        if (!cgroup.empty(CGROUP_EMPTYING)) {
            log.warn("event=cgroup.not-empty instance={} pids={}", id, cgroup.pids());
        }
    }

    /** Closes the log pump; unless {@code detached} (the process runs on), frees the cgroup, port and workspace. */
    void release(boolean detached) {
        try {
            pumpWakeups.close();
        } catch (Exception e) {
            log.debug("event=log.wakeup-not-unwatched instance={} error=\"{}\"", id, e.toString());
        }
        try {
            pump.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (detached) {
            return;
        }
        if (cgroup != null) {
            emptyCgroup();
            cgroup.remove();
        }
        ctx.ports().release(port);
        try {
            ctx.workspaces().remove(id);
        } catch (IOException | RuntimeException e) {
            log.warn("event=workspace.not-removed instance={} error={}", id, e.toString());
        }
    }
}
