package dev.skep.server;

import dev.skep.api.ApiConfig;
import dev.skep.api.ApiServer;
import dev.skep.api.AppCommands;
import dev.skep.api.AppViews;
import dev.skep.api.Bodies;
import dev.skep.api.auth.Authenticator;
import dev.skep.api.haibu.DroneRoutes;
import dev.skep.api.v1.AppRoutes;
import dev.skep.api.v1.DeployRoutes;
import dev.skep.api.v1.LogRoutes;
import dev.skep.deploy.Deployer;
import dev.skep.deploy.SlugBuilder;
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
import dev.skep.state.ZkAppDocuments;
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
        return start(config, MonitorOptions.defaults(), events, clock);
    }

    public static SkepServer start(ServerConfig config, MonitorOptions monitorOptions, EventSink operatorLog,
                                   Clock clock)
            throws Exception {
        Lifecycle life = new Lifecycle();
        try {
            Path data = passThroughDir(config.dataDir());
            if (DataDirs.runningAsRoot()) {
                requireTraversable(data);
            }
            String zk = config.zookeeper();
            if (zk == null) {
                EmbeddedZooKeeper embedded = life.add("zookeeper", EmbeddedZooKeeper.start(privateDir(data.resolve("zk")),
                        new InetSocketAddress("127.0.0.1", config.zkPort())));
                zk = embedded.connectString();
            }
            StateConnection connection = life.add("zookeeper client",
                    StateConnection.open(zk, Duration.ofSeconds(10), Duration.ofSeconds(30)));
            ZkClusterState state = life.add("state", new ZkClusterState(connection.client(), clock));
            MonitorRole monitor = life.add("monitor", MonitorRole.start(data, monitorOptions, state,
                    new ZkAppDocuments(connection.client()), config.agentId(),
                    "http://" + config.advertiseHost() + ":" + config.apiPort(), clock));
            EventSink events = monitor.events(operatorLog);
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
            SlugBuilder builder = new SlugBuilder(data, UploadLimits.defaults(),
                    new NpmBuilder(privateDir(data.resolve("npm-cache")), Duration.ofMinutes(10)));
            LocalSlugStore slugs = builder.store();
            AgentConfig agentConfig = AgentConfig.defaults(config.agentId(), config.advertiseHost(),
                            data.resolve("agent"), AgentConfig.findNode(config.searchPath()))
                    .withPorts(config.appPortMin(), config.appPortMax())
                    .withTimeouts(config.startTimeout(), config.stopGrace())
                    .withKeepApps(config.keepApps());
            Agent agent = life.add("agent", new Agent(agentConfig, state, slugs, events, clock, monitor.agentHooks()));
            monitor.agentStarted(agent.logs());
            agent.start();

            RouterServer router = life.add("router", new RouterServer(RouterConfig.defaults()
                    .withListen(config.bind(), config.routerPort())));
            router.start();
            monitor.routerStarted(router.metrics());
            life.add("route feed", new RouteFeed(state, router, config.baseDomain()));

            Deployer deployer = new Deployer(state, builder, rollout, events, clock, 5);
            ApiConfig apiConfig = new ApiConfig(config.bind(), config.apiPort(), 64 * 1024, config.baseDomain(),
                    router.port(), 64, Version.current());
            AppViews views = new AppViews(state, config.baseDomain(), router.port(), monitor::usage);
            AppCommands commands = new AppCommands(state, deployer, clock, apiConfig.maxInstances());
            Bodies bodies = new Bodies(apiConfig.maxJsonBytes());
            List<ApiServer.Routes> routes = new java.util.ArrayList<>(List.of(
                    new DeployRoutes(deployer, views),
                    new AppRoutes(commands, views, bodies, monitor.health()),
                    new LogRoutes(new AgentLogs(agent.logs(), state), commands),
                    new DroneRoutes(state, commands, views, bodies)));
            routes.addAll(monitor.routes(commands, views, bodies));
            ApiServer api = life.add("api", new ApiServer(apiConfig, new Authenticator(users, clock), routes));
            api.start();
            monitor.apiStarted("http://" + config.advertiseHost() + ":" + api.port());
            log.info("event=server.started api={}:{} router={}:{} data={} zk={}", config.bind(), api.port(),
                    config.bind(), router.port(), data, config.zookeeper() == null ? "embedded" : zk);
            return new SkepServer(life, api);
        } catch (Exception e) {
            life.close();
            throw e;
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
