package dev.skep.supervise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops this agent's instances when the agent is gone (killed with -9 and not restarted, or frozen) for longer than a
 * bound: the cluster has started their replacements elsewhere by then, and a copy nobody supervises or routes to
 * must not keep working beside them (a duplicate worker). The agent renews a lease file every second while it
 * lives; one small {@code sh} loop per agent, in a session of its own so it outlives the agent, checks the lease
 * every second and, once it is older than the bound, sends SIGTERM to each watched instance's process group,
 * SIGKILL after the grace, and exits. It checks each pid's start time first (a pid reused by another process is
 * left alone).
 *
 * <pre>
 *  {dataDir}/orphan-stop/lease               touched every second by the live agent
 *  {dataDir}/orphan-stop/instances/{id}      "PID STARTTIME" of each running instance (its process group)
 *  {dataDir}/orphan-stop/watchdog.pid        "PID STARTTIME" of the loop, so a restarted agent replaces it
 *  {dataDir}/orphan-stop/watchdog.log        what the loop did (one line per stop)
 * </pre>
 *
 * A ZooKeeper outage stops nothing here: the agent keeps living and renewing. Whether an instance is still this
 * agent's while ZooKeeper is unreachable is the agent's call (see {@link AssignmentCheck}), not the loop's.
 */
public final class OrphanWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OrphanWatchdog.class);

    /** $0 of the loop: how a restarted agent knows the recorded pid is still the loop. */
    static final String NAME = "skep-orphan-watchdog";

    static final String SCRIPT = """
            dir=$1 bound=$2 grace=$3
            now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
            alive() { want=$2; s=$(cat /proc/$1/stat 2>/dev/null) || return 1; s=${s##*) }; set -- $s; [ "${20}" = "$want" ]; }
            signal() {
              for f in "$dir"/instances/*; do
                [ -f "$f" ] || continue
                read pid start < "$f" || continue
                alive "$pid" "$start" || continue
                echo "$(now) event=orphan.signal signal=$1 instance=${f##*/} pid=$pid lease_age_s=$age bound_s=$bound"
                kill -"$1" "-$pid" 2>/dev/null
              done
            }
            while [ -f "$dir/lease" ]; do
              sleep 1
              m=$(stat -c %Y "$dir/lease" 2>/dev/null) || exit 0
              age=$(( $(date +%s) - m ))
              if [ "$age" -gt "$bound" ]; then
                signal TERM
                sleep "$grace"
                signal KILL
                echo "$(now) event=orphan.stopped lease_age_s=$age bound_s=$bound"
                exit 0
              fi
            done
            """;

    private final Path dir;
    private final Duration bound;
    private final Duration grace;
    private volatile Process loop;

    /**
     * @param dir   the agent's orphan-stop dir
     * @param bound how old the lease may get before the instances are stopped
     * @param grace between SIGTERM and SIGKILL
     */
    public OrphanWatchdog(Path dir, Duration bound, Duration grace) {
        if (bound.toSeconds() < 1) {
            throw new IllegalArgumentException("the orphan-stop bound must be at least 1 s, found " + bound);
        }
        this.dir = dir;
        this.bound = bound;
        this.grace = grace;
    }

    public Duration bound() {
        return bound;
    }

    /** Renews the lease and starts the loop, replacing one a former agent process left running. */
    public synchronized void start() {
        try {
            Files.createDirectories(dir.resolve("instances"));
            // root's loop signals the process groups listed here: no app may write, or even list, them
            for (Path own : List.of(dir, dir.resolve("instances"))) {
                Files.setPosixFilePermissions(own, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
            renew();
            stopFormerLoop();
            startLoop();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the orphan watchdog in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void startLoop() throws IOException {
        Process process = new ProcessBuilder(Launcher.SETSID, "/bin/sh", "-c", SCRIPT, NAME, dir.toString(),
                Long.toString(bound.toSeconds()), Long.toString(Math.max(1, grace.toSeconds())))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("watchdog.log").toFile()))
                .redirectErrorStream(true)
                .start();
        loop = process;
        write(dir.resolve("watchdog.pid"), process.pid() + " " + ProcessTree.startTime(process.pid()));
        log.info("event=orphan.watchdog-started pid={} bound_s={} grace_s={} dir={}", process.pid(),
                bound.toSeconds(), grace.toSeconds(), dir);
    }

    /** The loop of an agent process before this one (killed, or stopped keeping its apps): this one takes over. */
    private void stopFormerLoop() {
        read(dir.resolve("watchdog.pid")).ifPresent(former -> {
            if (ProcessTree.isRunning(former[0], former[1]) && isLoop(former[0])) {
                ProcessHandle.of(former[0]).ifPresent(ProcessHandle::destroy);
                log.info("event=orphan.watchdog-replaced former_pid={}", former[0]);
            }
        });
    }

    private static boolean isLoop(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).contains(NAME);
        } catch (IOException e) {
            return false;
        }
    }

    /** The agent lives: the lease is fresh again. Restarts the loop if it ended (it fired while the agent was frozen). */
    public void renew() {
        Path lease = dir.resolve("lease");
        try {
            if (!Files.exists(lease)) {
                Files.createFile(lease);
            }
            Files.setLastModifiedTime(lease, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            log.warn("event=orphan.lease-not-renewed path={} error=\"{}\" next=\"retried in 1 s; the instances stop "
                    + "if it stays stale for {} s\"", lease, e.getMessage(), bound.toSeconds());
        }
        Process running = loop;
        if (running != null && !running.isAlive()) {
            synchronized (this) {
                if (loop == running) {
                    log.warn("event=orphan.watchdog-ended exit={} next=\"started again\"", running.exitValue());
                    try {
                        startLoop();
                    } catch (IOException e) {
                        log.error("event=orphan.watchdog-not-started error=\"{}\"", e.getMessage());
                    }
                }
            }
        }
    }

    /** Watches an instance's process (group) from now on. */
    public void watch(String instance, long pid, long startTime) {
        try {
            write(dir.resolve("instances").resolve(AgentLayout.requireInstance(instance)), pid + " " + startTime);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record instance " + instance + " for the orphan watchdog: "
                    + e.getMessage(), e);
        }
    }

    /** The instance has no process any more (stopped, or its record deleted). */
    public void unwatch(String instance) {
        try {
            Files.deleteIfExists(dir.resolve("instances").resolve(AgentLayout.requireInstance(instance)));
        } catch (IOException e) {
            log.warn("event=orphan.unwatch-failed instance={} error=\"{}\"", instance, e.getMessage());
        }
    }

    /** The agent stops with its apps: nothing left to watch, the loop goes with the lease. */
    @Override
    public synchronized void close() {
        Process running = loop;
        loop = null;
        if (running != null) {
            running.destroy();
        }
        try {
            Files.deleteIfExists(dir.resolve("lease"));
        } catch (IOException e) {
            log.warn("event=orphan.lease-not-removed dir={} error=\"{}\"", dir, e.getMessage());
        }
    }

    /** The agent stops and leaves its apps running for the next agent process: the loop keeps watching. */
    public synchronized void detach() {
        loop = null;
    }

    private static void write(Path file, String text) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temp, text + "\n");
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Optional<long[]> read(Path file) {
        try {
            List<String> parts = List.of(Files.readString(file).strip().split(" "));
            return Optional.of(new long[] {Long.parseLong(parts.get(0)), Long.parseLong(parts.get(1))});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
