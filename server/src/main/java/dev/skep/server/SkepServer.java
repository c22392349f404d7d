package dev.skep.server;

import dev.skep.api.ApiConfig;
import dev.skep.api.ApiServer;
import dev.skep.api.AppCommands;
import dev.skep.api.AppViews;
import dev.skep.api.Bodies;
import dev.skep.api.audit.AuditLog;
import dev.skep.api.auth.Accounts;
import dev.skep.api.auth.Authenticator;
import dev.skep.api.tls.ApiTls;
import dev.skep.api.tls.PemKeyStore;
import dev.skep.api.v1.AuditRoutes;
import dev.skep.api.v1.UserRoutes;
import dev.skep.state.ZkAcl;
import dev.skep.api.haibu.DroneRoutes;
import dev.skep.api.v1.AppRoutes;
import dev.skep.api.v1.DeployRoutes;
import dev.skep.api.v1.LogRoutes;
import dev.skep.deploy.Deployer;
import dev.skep.deploy.SlugBuilder;
import dev.skep.deploy.build.BuildUser;
import dev.skep.deploy.build.NpmBuilder;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.release.LocalSlugStore;
import dev.skep.deploy.release.Rollout;
import dev.skep.model.DataDirs;
import dev.skep.model.EventSink;
import dev.skep.route.RouterConfig;
import dev.skep.route.RouterServer;
import dev.skep.schedule.Scheduler;
import dev.skep.state.EmbeddedZooKeeper;
import dev.skep.state.Leadership;
import dev.skep.state.StateConnection;
import dev.skep.state.ZkClusterState;
import dev.skep.state.ZkUserStore;
import dev.skep.supervise.Agent;
import dev.skep.supervise.AgentConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of `skep server`: every role in one process. Components start in flow
 * order and stop in reverse; nothing else builds them.
 */
public final class SkepServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SkepServer.class);

    private final Lifecycle lifecycle;
    private final ApiServer api;

    private SkepServer(Lifecycle lifecycle, ApiServer api) {
        this.lifecycle = lifecycle;
        this.api = api;
    }

    public static SkepServer start(ServerConfig config, EventSink events, Clock clock) throws Exception {
        Lifecycle life = new Lifecycle();
        try {
            Path data = passThroughDir(config.dataDir());
            if (DataDirs.runningAsRoot()) {
                requireTraversable(data);
            } else {
                log.warn("event=isolation.off reason=\"skep runs as {}, not root\" effect=\"apps run as this user: "
                        + "they can read each other's files and skep's data dir; limits apply only where cgroups are "
                        + "writable\" fix=\"run skep server as root for a uid per app\"", System.getProperty("user.name"));
            }
            SecurityConfig security = config.security() == null ? SecurityConfig.defaults() : config.security();
            ApiTls tls = apiTls(security);
            warnIfPublicWithoutTls(config.bind(), tls != null);
            privateDir(data.resolve("tmp"));
            ZkAcl acl = ZkAcl.inDataDir(data);
            String zk = config.zookeeper();
            if (zk == null) {
                EmbeddedZooKeeper embedded = life.add("zookeeper", EmbeddedZooKeeper.start(privateDir(data.resolve("zk")),
                        new InetSocketAddress("127.0.0.1", config.zkPort())));
                zk = embedded.connectString();
            }
            StateConnection connection = life.add("zookeeper client",
                    StateConnection.open(zk, Duration.ofSeconds(10), Duration.ofSeconds(30), acl));
            acl.secure(connection.client(), config.zookeeper() == null);
            ZkClusterState state = life.add("state", new ZkClusterState(connection.client(), clock));
            ZkUserStore users = new ZkUserStore(connection.client());
            AdminBootstrap.ensureAdmin(users, data, clock);

            Rollout rollout = new Rollout(state, events, clock, config.startTimeout().plusSeconds(5));
            rollout.recoverInterrupted();
            Leadership leadership = new Leadership(connection.client(), config.agentId());
            Scheduler scheduler = new Scheduler(state, leadership::isLeader, clock);
            leadership.whenLeader(scheduler::poke);
            life.add("leadership", leadership);
            leadership.start();
            life.add("scheduler", scheduler);
            scheduler.start(Duration.ofSeconds(5));

            passThroughDir(data.resolve("slugs"));
            // builds run the upload's install scripts: under the app's own uid when root (see BuildUser)
            java.util.concurrent.atomic.AtomicReference<Agent> agentRef = new java.util.concurrent.atomic.AtomicReference<>();
            SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(),
                    new NpmBuilder(passThroughDir(data.resolve("npm-cache")), Duration.ofMinutes(10)), app -> {
                        Agent a = agentRef.get();
                        var user = a == null ? null : a.userFor(app);
                        return user == null ? null : new BuildUser(user.uid(), user.gid());
                    });
            LocalSlugStore slugs = builder.store();
            AgentConfig agentConfig = AgentConfig.defaults(config.agentId(), config.advertiseHost(),
                            data.resolve("agent"), AgentConfig.findNode(config.searchPath()))
                    .withPorts(config.appPortMin(), config.appPortMax())
                    .withTimeouts(config.startTimeout(), config.stopGrace())
                    .withKeepApps(config.keepApps());
            Agent agent = life.add("agent", new Agent(agentConfig, state, slugs, events, clock, security.limits()));
            agent.start();
            agentRef.set(agent);

            RouterServer router = life.add("router", new RouterServer(RouterConfig.defaults()
                    .withListen(config.bind(), config.routerPort())));
            router.start();
            life.add("route feed", new RouteFeed(state, router, config.baseDomain()));

            Deployer deployer = new Deployer(state, builder, rollout, events, clock, 5);
            ApiConfig apiConfig = new ApiConfig(config.bind(), config.apiPort(), 64 * 1024, config.baseDomain(),
                    router.port(), 64, Version.current());
            AppViews views = new AppViews(state, config.baseDomain(), router.port(), instance -> null);
            AppCommands commands = new AppCommands(state, deployer, clock, apiConfig.maxInstances());
            Bodies bodies = new Bodies(apiConfig.maxJsonBytes());
            AuditLog audit = AuditLog.in(data.resolve("audit"));
            ApiServer api = life.add("api", new ApiServer(apiConfig, new Authenticator(users, clock), List.of(
                    new DeployRoutes(deployer, views),
                    new AppRoutes(commands, views, bodies),
                    new LogRoutes(new AgentLogs(agent.logs(), state), commands),
                    new DroneRoutes(state, commands, views, bodies),
                    new UserRoutes(new Accounts(users, state, clock), bodies),
                    new AuditRoutes(audit)), audit, tls, clock));
            api.start();
            log.info("event=server.started api={}://{}:{} router={}:{} data={} zk={}", tls == null ? "http" : "https",
                    config.bind(), api.port(),
                    config.bind(), router.port(), data, config.zookeeper() == null ? "embedded" : zk);
            return new SkepServer(life, api);
        } catch (Exception e) {
            life.close();
            throw e;
        }
    }

    /** The API's TLS, its files checked now (a bad file stops the start with the reason), or null. */
    private static ApiTls apiTls(SecurityConfig security) {
        if (!security.tls()) {
            return null;
        }
        try {
            PemKeyStore.load(security.apiTlsCert(), security.apiTlsKey(), "check".toCharArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return new ApiTls(security.apiTlsCert(), security.apiTlsKey());
    }

    /** Tokens cross the wire on every call: say so when they would cross a network in the clear. */
    static void warnIfPublicWithoutTls(String bind, boolean tls) {
        if (tls || isLoopback(bind)) {
            return;
        }
        log.warn("event=api.plaintext bind={} risk=\"API tokens and app env values cross the network unencrypted\" "
                + "fix=\"start with --api-tls-cert PEM --api-tls-key PEM, or --bind 127.0.0.1 behind a TLS proxy\"", bind);
        System.err.println("skep server: WARNING: the API listens on " + bind + " without TLS; tokens and secrets "
                + "cross the network in the clear. Use --api-tls-cert/--api-tls-key, or --bind 127.0.0.1.");
    }

    static boolean isLoopback(String bind) {
        try {
            return java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Apps run under their own uids and must pass through every parent of their code (node
     * resolves absolute paths), so each parent of the data dir needs o+x. Says what to do if not.
     */
    static void requireTraversable(Path data) throws IOException {
        for (Path dir = data.getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("apps run under their own uids and cannot pass through " + dir
                        + " (mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))
                        + ") to reach their code in " + data + "; use a --data-dir whose parents others may pass "
                        + "(the default for root is " + DataDirs.ROOT_DEFAULT + "), or chmod o+x " + dir);
            }
        }
    }

    /** Creates the dir if needed with mode 0700: apps and other users must not read it. */
    static Path privateDir(Path dir) throws IOException {
        return dirWithMode(dir, "rwx------");
    }

    /** Mode 0711: others may pass through to what they own below (their app dirs), not list it. */
    static Path passThroughDir(Path dir) throws IOException {
        return dirWithMode(dir, "rwx--x--x");
    }

    private static Path dirWithMode(Path dir, String mode) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir.toAbsolutePath();
    }

    public int apiPort() {
        return api.port();
    }

    @Override
    public void close() {
        log.info("event=server.stopping");
        lifecycle.close();
        log.info("event=server.stopped");
    }
}
