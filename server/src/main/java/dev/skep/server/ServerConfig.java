package dev.skep.server;

import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.release.ReleasePolicy;
import dev.skep.state.ZkSecurePort;
import dev.skep.state.ZkTls;
import dev.skep.supervise.AgentConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything `skep server` is told, read once at start from flags and environment.
 *
 * @param zookeeper  an external ensemble ("h1:2181,h2:2181"), or null for the embedded one
 * @param zkPort     port of the embedded ZooKeeper (0: any free port on loopback)
 * @param zkSync     fsync the embedded ZooKeeper's log on every write (off: see EmbeddedZooKeeper)
 * @param searchPath the PATH skep was started with, only to find node (apps never see it)
 * @param drainTimeout how long a withdrawn instance may take to drain (out of every router's table,
 *                     no client connected) before its SIGTERM
 * @param edge       the router's HTTPS and forwarding settings
 * @param agentGrace how long an agent may be gone before the scheduler places its instances elsewhere
 * @param security   TLS of the API and the apps' resource limits
 * @param zkSecret   with an external ensemble: the file of the secret that locks skep's nodes (digest ACL),
 *                   the same on every skep host; null leaves them open to whoever reaches the ensemble
 * @param releases   how long a new release is watched: its probation (for apps that set none) and auto-rollback
 * @param appDisk    bytes each app's volumes and writable copies may hold on this host's agent
 * @param zkBind     address the embedded ZooKeeper listens on (loopback unless remote agents and routers join)
 * @param zkTls      with an external ensemble: reach it over TLS with these stores, or null (plain)
 * @param zkSecurePort the embedded ZooKeeper's TLS port for other hosts' roles, or null (none)
 * @param zkSessionTimeout this role's ZooKeeper session: silent this long, it is taken for dead (--zk-session-timeout)
 */
public record ServerConfig(Path dataDir, String bind, int apiPort, int routerPort, int appPortMin, int appPortMax,
                           String baseDomain, boolean keepApps, Duration startTimeout, Duration stopGrace,
                           String zookeeper, int zkPort, boolean zkSync, String agentId, String advertiseHost,
                           String searchPath, UploadLimits uploadLimits,
                           Duration drainTimeout, EdgeConfig edge, Duration agentGrace, SecurityConfig security,
                           Path zkSecret, ReleasePolicy releases, long appDisk,
                           String zkBind, ZkTls zkTls, ZkSecurePort zkSecurePort, Duration zkSessionTimeout) {

    /** No TLS to ZooKeeper. */
    public ServerConfig(Path dataDir, String bind, int apiPort, int routerPort, int appPortMin, int appPortMax,
                        String baseDomain, boolean keepApps, Duration startTimeout, Duration stopGrace,
                        String zookeeper, int zkPort, boolean zkSync, String agentId, String advertiseHost,
                        String searchPath, UploadLimits uploadLimits,
                        Duration drainTimeout, EdgeConfig edge, Duration agentGrace, SecurityConfig security,
                        Path zkSecret, ReleasePolicy releases, long appDisk, String zkBind) {
        this(dataDir, bind, apiPort, routerPort, appPortMin, appPortMax, baseDomain, keepApps, startTimeout, stopGrace,
                zookeeper, zkPort, zkSync, agentId, advertiseHost, searchPath, uploadLimits, drainTimeout, edge,
                agentGrace, security, zkSecret, releases, appDisk, zkBind, null, null, ZkSessionOption.DEFAULT);
    }

    /** The same, reaching ZooKeeper with {@code tls} and serving the embedded one's TLS on {@code securePort}. */
    public ServerConfig withZkTls(ZkTls tls, ZkSecurePort securePort) {
        return new ServerConfig(dataDir, bind, apiPort, routerPort, appPortMin, appPortMax, baseDomain, keepApps,
                startTimeout, stopGrace, zookeeper, zkPort, zkSync, agentId, advertiseHost, searchPath, uploadLimits,
                drainTimeout, edge, agentGrace, security, zkSecret, releases, appDisk, zkBind, tls, securePort,
                zkSessionTimeout);
    }

    /** The same, with a ZooKeeper session of {@code timeout}. */
    public ServerConfig withZkSessionTimeout(Duration timeout) {
        return new ServerConfig(dataDir, bind, apiPort, routerPort, appPortMin, appPortMax, baseDomain, keepApps,
                startTimeout, stopGrace, zookeeper, zkPort, zkSync, agentId, advertiseHost, searchPath, uploadLimits,
                drainTimeout, edge, agentGrace, security, zkSecret, releases, appDisk, zkBind, zkTls, zkSecurePort,
                timeout);
    }

    /** The embedded ZooKeeper on loopback only (every role but a `skep server` given --zk-bind). */
    public ServerConfig(Path dataDir, String bind, int apiPort, int routerPort, int appPortMin, int appPortMax,
                        String baseDomain, boolean keepApps, Duration startTimeout, Duration stopGrace,
                        String zookeeper, int zkPort, boolean zkSync, String agentId, String advertiseHost,
                        String searchPath, UploadLimits uploadLimits,
                        Duration drainTimeout, EdgeConfig edge, Duration agentGrace, SecurityConfig security,
                        Path zkSecret, ReleasePolicy releases, long appDisk) {
        this(dataDir, bind, apiPort, routerPort, appPortMin, appPortMax, baseDomain, keepApps, startTimeout, stopGrace,
                zookeeper, zkPort, zkSync, agentId, advertiseHost, searchPath, uploadLimits, drainTimeout, edge,
                agentGrace, security, zkSecret, releases, appDisk, "127.0.0.1");
    }

    /** For roles that run no agent (a controller, a router): the default disk quota. */
    public ServerConfig(Path dataDir, String bind, int apiPort, int routerPort, int appPortMin, int appPortMax,
                        String baseDomain, boolean keepApps, Duration startTimeout, Duration stopGrace,
                        String zookeeper, int zkPort, boolean zkSync, String agentId, String advertiseHost,
                        String searchPath, UploadLimits uploadLimits,
                        Duration drainTimeout, EdgeConfig edge, Duration agentGrace, SecurityConfig security,
                        Path zkSecret, ReleasePolicy releases) {
        this(dataDir, bind, apiPort, routerPort, appPortMin, appPortMax, baseDomain, keepApps, startTimeout, stopGrace,
                zookeeper, zkPort, zkSync, agentId, advertiseHost, searchPath, uploadLimits, drainTimeout, edge,
                agentGrace, security, zkSecret, releases, AgentConfig.DEFAULT_DISK_QUOTA);
    }
}
