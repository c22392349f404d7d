package dev.skep.supervise;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything an {@link Agent} is told at start, read once by the composition root.
 *
 * @param agentId          this agent's id; assignments are addressed to it
 * @param host             the address other hosts reach this agent's instances on, e.g. 127.0.0.1
 * @param dataDir          the agent's own directory: instance records, runtime files, logs
 * @param portMin          first port handed to instances (inclusive)
 * @param portMax          last port handed to instances (inclusive)
 * @param capacity         how many instances the scheduler may place here
 * @param startTimeout     an instance must accept connections within this, or it failed
 * @param stopGrace        time between SIGTERM and SIGKILL on stop
 * @param drainDelay       on stop, the instance is STOPPING (routers drop it) and gets up to this long
 *                         until no client is connected to its port, then SIGTERM; 0: SIGTERM at once
 * @param restart          restart/back-off policy
 * @param logs             log rotation bounds
 * @param keepAppsOnClose  on close, leave apps running for the next agent to re-adopt
 * @param isolateWhenRoot  when the agent runs as uid 0, run each app under its own uid (setpriv)
 * @param node             absolute path of the host's node binary, see {@link #findNode(String)}
 * @param nodeCache        where Node releases the host lacks are kept once fetched (shared with the
 *                         host's builds); default {@code dataDir/node}
 * @param diskQuota        bytes each app's volumes and writable copies may hold on this host (a loop image of
 *                         that size when root, else measured against it)
 * @param closedPorts      ports no instance may connect to, on any address (skep's ZooKeeper's), when the
 *                         bind guard is on
 */
public record AgentConfig(String agentId, String host, Path dataDir, int portMin, int portMax, int capacity,
                          Duration startTimeout, Duration stopGrace, Duration drainDelay,
                          RestartPolicy restart, LogPolicy logs, boolean keepAppsOnClose,
                          boolean isolateWhenRoot, Path node, Path nodeCache, long diskQuota,
                          Set<Integer> closedPorts) {

    public static final int DEFAULT_PORT_MIN = 20000;
    public static final int DEFAULT_PORT_MAX = 29999;
    /** 1 GiB per app and host. */
    public static final long DEFAULT_DISK_QUOTA = 1L << 30;
    public static final long MIN_DISK_QUOTA = 16L << 20;

    public AgentConfig {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(restart, "restart");
        Objects.requireNonNull(logs, "logs");
        closedPorts = Set.copyOf(Objects.requireNonNull(closedPorts, "closedPorts"));
        dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        if (portMin < 1 || portMax > 65535 || portMin > portMax) {
            throw new IllegalArgumentException("port range must be within 1-65535, found " + portMin + "-" + portMax);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, found " + capacity);
        }
        requireNotNegative("startTimeout", startTimeout);
        requireNotNegative("stopGrace", stopGrace);
        requireNotNegative("drainDelay", drainDelay);
        if (startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be > 0, found " + startTimeout);
        }
        if (node == null || !node.isAbsolute()) {
            throw new IllegalArgumentException("node must be an absolute path, found " + node);
        }
        if (diskQuota < MIN_DISK_QUOTA) {
            throw new IllegalArgumentException("--app-disk must be at least 16m (ext4 needs room for its journal), "
                    + "found " + diskQuota + " bytes");
        }
        nodeCache = nodeCache == null ? dataDir.resolve("node") : nodeCache.toAbsolutePath().normalize();
    }

    /** The defaults: ports 20000-29999, start timeout 60 s, grace 10 s, no drain delay, stop apps on close. */
    public static AgentConfig defaults(String agentId, String host, Path dataDir, Path node) {
        return new AgentConfig(agentId, host, dataDir, DEFAULT_PORT_MIN, DEFAULT_PORT_MAX, 100,
                Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ZERO,
                RestartPolicy.DEFAULT, LogPolicy.DEFAULT, false, true, node, null, DEFAULT_DISK_QUOTA, Set.of());
    }

    public AgentConfig withPorts(int min, int max) {
        return edit(d -> {
            d.portMin = min;
            d.portMax = max;
        });
    }

    public AgentConfig withTimeouts(Duration start, Duration grace) {
        return edit(d -> {
            d.startTimeout = start;
            d.stopGrace = grace;
        });
    }

    public AgentConfig withDrainDelay(Duration drain) {
        return edit(d -> d.drainDelay = drain);
    }

    public AgentConfig withRestart(RestartPolicy policy) {
        return edit(d -> d.restart = policy);
    }

    public AgentConfig withLogs(LogPolicy policy) {
        return edit(d -> d.logs = policy);
    }

    public AgentConfig withKeepApps(boolean keep) {
        return edit(d -> d.keepAppsOnClose = keep);
    }

    public AgentConfig withIsolateWhenRoot(boolean isolate) {
        return edit(d -> d.isolateWhenRoot = isolate);
    }

    public AgentConfig withNodeCache(Path dir) {
        return edit(d -> d.nodeCache = dir);
    }

    public AgentConfig withDiskQuota(long bytes) {
        return edit(d -> d.diskQuota = bytes);
    }

    /** Ports no instance may connect to, on any address: skep's ZooKeeper's (see BindGuard). */
    public AgentConfig withClosedPorts(Set<Integer> ports) {
        return edit(d -> d.closedPorts = Set.copyOf(ports));
    }

    /** A copy with what {@code change} sets on a draft of this config, checked again by the constructor. */
    private AgentConfig edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /** The components as mutable fields: the one place the with-methods copy the other sixteen from. */
    private static final class Draft {
        String agentId;
        String host;
        Path dataDir;
        int portMin;
        int portMax;
        int capacity;
        Duration startTimeout;
        Duration stopGrace;
        Duration drainDelay;
        RestartPolicy restart;
        LogPolicy logs;
        boolean keepAppsOnClose;
        boolean isolateWhenRoot;
        Path node;
        Path nodeCache;
        long diskQuota;
        Set<Integer> closedPorts;

        Draft(AgentConfig c) {
            agentId = c.agentId;
            host = c.host;
            dataDir = c.dataDir;
            portMin = c.portMin;
            portMax = c.portMax;
            capacity = c.capacity;
            startTimeout = c.startTimeout;
            stopGrace = c.stopGrace;
            drainDelay = c.drainDelay;
            restart = c.restart;
            logs = c.logs;
            keepAppsOnClose = c.keepAppsOnClose;
            isolateWhenRoot = c.isolateWhenRoot;
            node = c.node;
            nodeCache = c.nodeCache;
            diskQuota = c.diskQuota;
            closedPorts = c.closedPorts;
        }

        AgentConfig build() {
            return new AgentConfig(agentId, host, dataDir, portMin, portMax, capacity, startTimeout, stopGrace,
                    drainDelay, restart, logs, keepAppsOnClose, isolateWhenRoot, node, nodeCache, diskQuota,
                    closedPorts);
        }
    }

    /**
     * The system's own dirs: where {@link #findNode(String)} looks when given no PATH, and the end of every app's
     * PATH.
     */
    public static final String SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

    /**
     * Resolves the node binary once, from a PATH value the composition root read at start-up
     * ({@code System.getenv("PATH")}), or from {@link #SYSTEM_PATH} when that is null.
     *
     * @throws IllegalStateException when no executable {@code node} is on that PATH
     */
    public static Path findNode(String pathVariable) {
        String path = pathVariable == null ? SYSTEM_PATH : pathVariable;
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "node").toAbsolutePath();
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no executable 'node' on PATH " + path
                + "; install Node.js 20+ or set the node binary in the agent config");
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, found " + value);
        }
    }
}
