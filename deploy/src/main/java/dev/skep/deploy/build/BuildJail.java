package dev.skep.deploy.build;

import dev.skep.model.hash.Sha256;
import dev.skep.model.limits.CgroupSlot;
import dev.skep.model.limits.Cgroups;
import dev.skep.model.limits.Confinement;
import dev.skep.model.limits.ResourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroup every build and release phase runs in, one per run, made with the instances' cgroup
 * code: its memory, pids and CPU limits hold the tenant's install scripts, and when the run ends
 * the whole cgroup is killed, so nothing it backgrounded or daemonized outlives it. Without
 * cgroup rights (skep not root) builds run as before, unconfined, and a log line says so once.
 */
public final class BuildJail {

    private static final Logger log = LoggerFactory.getLogger(BuildJail.class);

    /** The name of every build's cgroup starts with this, then the server's scope. */
    public static final String PREFIX = "build-";
    /** A build's memory floor unless the admin sets another: a Next.js build needs more than its server. */
    public static final long DEFAULT_MEMORY_FLOOR = 2048 * ResourceLimits.MIB;
    private static final Duration KILL_WITHIN = Duration.ofSeconds(10);

    private final Cgroups cgroups;
    private final ResourceLimits limits;
    private final String scope;
    private final AtomicBoolean toldUnconfined = new AtomicBoolean();

    /**
     * @param limits what one build may use (see {@link #limitsFor})
     * @param scope  this server's part of the cgroup names (see {@link #scopeOf}): start-up sweeps its own
     *               leftovers only, never the builds of another skep on the same host
     */
    public BuildJail(Cgroups cgroups, ResourceLimits limits, String scope) {
        if (!scope.matches("[a-z0-9]{1,16}")) {
            throw new IllegalArgumentException("a build jail scope is 1-16 of [a-z0-9], found '" + scope + "'");
        }
        this.cgroups = cgroups;
        this.limits = limits;
        this.scope = scope;
    }

    /** A short stable name for a data dir: two servers with different data dirs never share build cgroups. */
    public static String scopeOf(Path dataDir) {
        return HexFormat.of().formatHex(Sha256.of(dataDir.toAbsolutePath().normalize().toString()), 0, 5);
    }

    /** No cgroups: builds run unconfined (tests, hosts without cgroups). */
    public static BuildJail none() {
        return new BuildJail(Cgroups.none("builds not confined"), ResourceLimits.defaults(), "none");
    }

    /** The app's limits with the memory raised to {@code memoryFloor} when that is larger. */
    public static ResourceLimits limitsFor(ResourceLimits app, long memoryFloor) {
        return new ResourceLimits(Math.max(app.memoryBytes(), memoryFloor), app.pids(), app.cpuShares(),
                app.openFiles());
    }

    public ResourceLimits limits() {
        return limits;
    }

    /** Kills and removes the build cgroups a previous run left (it died mid-build); their names. */
    public List<String> sweep() {
        List<String> swept = cgroups.sweep(PREFIX + scope + "-");
        if (!swept.isEmpty()) {
            log.warn("event=build.cgroups-swept count={} names=\"{}\"", swept.size(), String.join(",", swept));
        }
        return swept;
    }

    /** Where these builds' cgroups are (or why there are none). */
    public String describe() {
        return cgroups.describe();
    }

    /** A fresh cgroup for one run ({@code what}: "app" or "release"); close it when the run ends. */
    Cell open(String what) {
        String name = PREFIX + scope + "-" + what + "-" + UUID.randomUUID().toString().substring(0, 12);
        Optional<CgroupSlot> slot;
        try {
            slot = cgroups.slot(name, limits, 0); // a build may not listen: port 0 (clients) only
        } catch (IllegalStateException e) {
            log.warn("event=build.unconfined reason=\"{}\"", e.getMessage());
            slot = Optional.empty();
        }
        if (slot.isEmpty() && toldUnconfined.compareAndSet(false, true)) {
            log.warn("event=build.unconfined reason=\"no cgroups: {}\" effect=\"builds run without memory/pids "
                    + "limits and only their process tree is killed at the end; run skep as root\"",
                    cgroups.describe());
        }
        return new Cell(name, slot, limits);
    }

    /** One run's cgroup (or none). */
    record Cell(String name, Optional<CgroupSlot> slot, ResourceLimits limits) implements AutoCloseable {

        /** The command, made to join the cgroup (as root, before any setpriv) and then exec. */
        List<String> wrap(List<String> command) {
            if (slot.isEmpty()) {
                return command;
            }
            List<String> out = new ArrayList<>(Confinement.head(limits, slot.get().procsFiles()));
            out.addAll(command);
            return out;
        }

        /** How many times the OOM killer struck in the run so far. */
        long oomKills() {
            return slot.map(CgroupSlot::oomKills).orElse(0L);
        }

        /** Kills every process left in the cgroup and removes it. */
        @Override
        public void close() {
            slot.ifPresent(s -> {
                int left = s.pids().size();
                if (!s.killAll(KILL_WITHIN)) {
                    log.warn("event=build.cgroup-not-emptied cgroup={} within_s={}", name, KILL_WITHIN.toSeconds());
                } else if (left > 0) {
                    log.info("event=build.leftovers-killed cgroup={} processes={}", name, left);
                }
            });
        }
    }
}
