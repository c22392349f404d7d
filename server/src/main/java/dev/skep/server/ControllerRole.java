package dev.skep.server;

import dev.skep.api.ApiConfig;
import dev.skep.api.ApiServer;
import dev.skep.api.AppCommands;
import dev.skep.api.AppViews;
import dev.skep.api.Bodies;
import dev.skep.api.auth.Authenticator;
import dev.skep.api.haibu.DroneRoutes;
import dev.skep.api.v1.AgentAssignmentRoutes;
import dev.skep.api.v1.AppRoutes;
import dev.skep.api.v1.DeployRoutes;
import dev.skep.api.v1.DomainRoutes;
import dev.skep.api.v1.LogRoutes;
import dev.skep.api.v1.SlugRoutes;
import dev.skep.deploy.Deployer;
import dev.skep.deploy.SlugBuilder;
import dev.skep.deploy.build.NodeBuilder;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.release.BuildLogs;
import dev.skep.deploy.release.CrashLoopWatch;
import dev.skep.deploy.release.LocalSlugStore;
import dev.skep.deploy.release.ProbationSettings;
import dev.skep.deploy.release.ReleaseFailures;
import dev.skep.deploy.release.Rollout;
import dev.skep.deploy.release.RolloutRecovery;
import dev.skep.model.RolloutOwners;
import dev.skep.model.EventSink;
import dev.skep.model.LogSource;
import dev.skep.schedule.Scheduler;
import dev.skep.state.ZkRolloutOwners;
import dev.skep.state.StateConnection;
import dev.skep.state.HeartbeatWatch;
import dev.skep.state.Leadership;
import dev.skep.state.ZkAppDocuments;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The controller role: builds (slugs), rollouts, the scheduler (on the elected leader only) and the
 * API. {@link #start} brings up everything but the API, which {@link #startApi} adds once the
 * caller knows where the router is.
 */
final class ControllerRole {

    /** An agent whose heartbeat (every 500 ms) has not changed this long is dead: four beats missed. */
    static final Duration AGENT_SILENCE = Duration.ofSeconds(2);

    private final ServerConfig config;
    private final StateRole state;
    private final SlugBuilder builder;
    private final Deployer deployer;
    private final EventSink events;
    private final Clock clock;

    /** The app logs a failed rollout quotes and the API serves: the local agent's, or fetched from the agents. */
    private final LogSource logs;
    private final BuildUsers buildUsers;
    private final ProbationSettings probation;

    private ControllerRole(ServerConfig config, StateRole state, SlugBuilder builder, Deployer deployer,
                           LogSource logs, BuildUsers buildUsers, ProbationSettings probation, EventSink events,
                           Clock clock) {
        this.probation = probation;
        this.logs = logs;
        this.buildUsers = buildUsers;
        this.config = config;
        this.state = state;
        this.builder = builder;
        this.deployer = deployer;
        this.events = events;
        this.clock = clock;
    }

    /** @param logs the app logs a failed rollout quotes and the API serves */
    static ControllerRole start(Lifecycle life, ServerConfig config, Path data, StateRole s, EventSink events,
                                Clock clock, LogSource logs) throws Exception {
        AdminBootstrap.ensureAdmin(s.users(), data, clock);
        boolean oneHost = config.zookeeper() == null;
        if (oneHost) { // one host (`skep server`): whatever rollout was in flight died with us
            RolloutRecovery.recover(s.state(), events, clock);
        }
        // In a cluster, leadership and rollout claims ride on a session of their own, shorter than the main one: a
        // leader killed outright is replaced within seconds, and its rollouts are then known to be nobody's. One host
        // has one controller: no claims (the recovery above covers its restarts), and leadership on the main session,
        // so a loaded or paused host neither loses it nor fails a deploy waiting for a claim (a CI run on a load of
        // 70 saw 'cannot record that this controller runs the rollout')
        StateConnection leading = oneHost ? s.connection() : s.leadershipConnection(life);
        RolloutOwners owners = oneHost ? RolloutOwners.none() : new ZkRolloutOwners(leading.client(), config.agentId());
        ZkAppDocuments documents = new ZkAppDocuments(s.state().view());
        ProbationSettings probation = new ProbationSettings(documents, config.releases().probation());
        Rollout rollout = new Rollout(s.state(), events, clock, config.startTimeout().plusSeconds(5), logs,
                probation, new ReleaseFailures(documents)).claimedIn(owners);
        Leadership leadership = new Leadership(leading.client(), config.agentId());
        // an agent killed outright is known dead by its silent heartbeat (~2 s), not its session's end (10 s)
        HeartbeatWatch heartbeats = life.add("heartbeat watch", new HeartbeatWatch(s.connection().client(),
                AGENT_SILENCE, StateRole.SESSION_TIMEOUT.plusSeconds(1)));
        Scheduler scheduler = new Scheduler(s.state(), leadership::isLeader, clock, config.agentGrace(), events,
                heartbeats, new UnplacedDocuments(s.state(), documents));
        heartbeats.onChange(scheduler::poke);
        leadership.whenLeader(scheduler::poke);
        life.add("leadership", leadership);
        leadership.start();
        life.add("scheduler", scheduler);
        scheduler.start(Duration.ofSeconds(5));
        // only the leader recovers rollouts, and only those no live controller claims
        if (!oneHost) {
            life.add("rollout janitor", new RolloutJanitor(s.state(), owners, leadership::isLeader, events, clock)
                    .start());
        }
        // idle stop: the leader puts apps to sleep on the routers' traffic reports (see IdleReporter)
        life.add("idle watcher", new IdleWatcher(s.state(), new dev.skep.api.IdleStore(documents),
                leadership::isLeader, events, clock).start());

        SkepServer.passThroughDir(data.resolve("slugs"));
        // each app's build cache below is its build user's own (0700); the parent only lets it through
        SkepServer.passThroughDir(data.resolve("build-cache"));
        // builds run the upload's install scripts: under the app's own uid when root (see BuildUser)
        BuildUsers buildUsers = new BuildUsers();
        // each build and release phase in a cgroup of its own, killed whole when it ends (root only)
        SecurityConfig security = security(config);
        dev.skep.deploy.build.BuildJail jail = new dev.skep.deploy.build.BuildJail(
                dev.skep.model.limits.CgroupSetup.detect(), security.buildLimits(),
                dev.skep.deploy.build.BuildJail.scopeOf(data));
        org.slf4j.LoggerFactory.getLogger(ControllerRole.class).info("event=build.jail cgroups=\"{}\" limits=\"{}\"",
                jail.describe(), jail.limits());
        SlugBuilder builder = new SlugBuilder(data, config.uploadLimits(),
                new NodeBuilder(SkepServer.passThroughDir(data.resolve("npm-cache")), Duration.ofMinutes(10))
                        .confinedBy(jail), buildUsers);
        builder.cleanHalfFinished();
        builder.fetchSlugsFrom(new RemoteSlugStore(builder.store(), s.controllers()::urls,
                s.controllers()::clusterToken, new UploadLimits(1L << 30, 4L << 30, 500_000)));
        CrashLoopWatch crashLoops = new CrashLoopWatch(s.state(), clock, config.releases().autoRollback());
        Deployer deployer = new Deployer(s.state(), builder, rollout, events, clock, 5,
                new BuildLogs(data.resolve("build-logs"), clock), crashLoops);
        life.add("crash-loop watch", crashLoops.start(deployer::rollBack));
        ControllerRole role = new ControllerRole(config, s, builder, deployer, logs, buildUsers, probation, events,
                clock);
        role.heartbeats = heartbeats;
        return role;
    }

    /** Which agents this controller hears no heartbeat from (for `skep agents`). */
    private HeartbeatWatch heartbeats;

    /** Whose uid an app's build runs under: the local agent's answer, once there is one. */
    private static final class BuildUsers implements java.util.function.Function<dev.skep.model.AppId,
            dev.skep.deploy.build.BuildUser> {
        private volatile java.util.function.Function<dev.skep.model.AppId, dev.skep.supervise.AppUsers.AppUser> users;

        @Override
        public dev.skep.deploy.build.BuildUser apply(dev.skep.model.AppId app) {
            var lookup = users;
            var user = lookup == null ? null : lookup.apply(app);
            return user == null ? null : new dev.skep.deploy.build.BuildUser(user.uid(), user.gid());
        }
    }

    /** Builds run under the uid the local agent gives each app (root only; otherwise as skep). */
    void buildAs(java.util.function.Function<dev.skep.model.AppId, dev.skep.supervise.AppUsers.AppUser> users) {
        buildUsers.users = users;
    }

    private volatile dev.skep.api.LocalVolumes localVolumes = dev.skep.api.LocalVolumes.none();

    /** The volumes of the agent in this process (`skep server`): the API sizes, exports and purges those. */
    void volumesOn(dev.skep.api.LocalVolumes volumes) {
        localVolumes = volumes;
    }

    private volatile dev.skep.model.OneOffs oneOffs = dev.skep.model.OneOffs.none();

    /** The agent in this process (`skep server`) runs the API's one-offs (`skep run`). */
    void oneOffsOn(dev.skep.model.OneOffs runner) {
        oneOffs = runner;
    }

    /** Where this controller's builds are: the agent of `skep server` runs them from here. */
    LocalSlugStore slugs() {
        return builder.store();
    }

    private static SecurityConfig security(ServerConfig config) {
        return config.security() == null ? SecurityConfig.defaults() : config.security();
    }

    /** Starts the API; {@code extra} are more route groups (the router's certificates, ...). */
    ApiServer startApi(Lifecycle life, int routerPort, List<ApiServer.Routes> extra) throws java.io.IOException {
        return startApi(life, routerPort, extra, null, null);
    }

    /** @param monitor adds usage figures, health settings and the monitor's routes; null for none */
    ApiServer startApi(Lifecycle life, int routerPort, List<ApiServer.Routes> extra,
                       MonitorRole monitor, dev.skep.api.tls.ApiTls tls) throws java.io.IOException {
        ApiConfig apiConfig = new ApiConfig(config.bind(), config.apiPort(), 64 * 1024, config.baseDomain(),
                routerPort, 64, Version.current());
        AppViews views = new AppViews(state.state(), config.baseDomain(), routerPort,
                monitor == null ? instance -> null : monitor::usage, new DeployHistory(deployer));
        AppCommands commands = new AppCommands(state.state(), deployer, clock, apiConfig.maxInstances());
        Bodies bodies = new Bodies(apiConfig.maxJsonBytes());
        RouterDomainRules domainRules = new RouterDomainRules(config.baseDomain(), security(config).domainProof());
        var documents = new dev.skep.state.ZkAppDocuments(state.state().view());
        var routeSettings = new dev.skep.api.RouteSettingsStore(documents);
        List<ApiServer.Routes> groups = new ArrayList<>(List.of(
                new DeployRoutes(deployer, views),
                new dev.skep.api.v1.ReleaseRoutes(commands, views, deployer.buildLogs()),
                new AppRoutes(commands, views, bodies, monitor == null ? null : monitor.health(), routeSettings,
                        probation),
                new DomainRoutes(state.state(), commands, domainRules, bodies, clock),
                new dev.skep.api.v1.VolumeRoutes(state.state(), commands, bodies, clock, builder.store(), localVolumes),
                new LogRoutes(logs, commands),
                new DroneRoutes(state.state(), commands, views, bodies),
                new SlugRoutes(builder.store(), state.controllers()::clusterToken),
                new AgentAssignmentRoutes(state.state(), state.state(), state.controllers()::clusterToken),
                new dev.skep.api.v1.RunRoutes(state.state(), commands, bodies, oneOffs)));
        dev.skep.api.audit.AuditLog audit = dev.skep.api.audit.AuditLog.in(config.dataDir().resolve("audit"));
        groups.add(new dev.skep.api.v1.UserRoutes(new dev.skep.api.auth.Accounts(state.users(), state.state(), clock),
                bodies));
        groups.add(new dev.skep.api.v1.AuditRoutes(audit));
        groups.add(new dev.skep.api.v1.AgentRoutes(state.state(), new dev.skep.api.AgentViews(state.state(),
                heartbeats), events, clock));
        groups.add(new dev.skep.api.v1.PlacementRoutes(documents, commands, bodies));
        groups.add(new dev.skep.api.v1.RouteSettingsRoutes(routeSettings, commands));
        groups.add(new dev.skep.api.v1.CertificateRoutes(documents, commands,
                domainRules, bodies, clock, state.state()::apps));
        // git push deploys: bare repositories per app in <data-dir>/git, deleted with the app
        dev.skep.api.git.GitRepos gitRepos = new dev.skep.api.git.GitRepos(config.dataDir().resolve("git"));
        deployer.whenDeleted(gitRepos::delete);
        gitRepos.sweep(config.dataDir().resolve("tmp"));
        groups.add(new dev.skep.api.git.GitRoutes(deployer, gitRepos, config.uploadLimits(),
                config.dataDir().resolve("tmp"), app -> state.state().app(app).isPresent(), views::url));
        groups.addAll(extra);
        if (monitor != null) {
            groups.addAll(monitor.routes(commands, views, bodies));
        }
        Authenticator auth = new Authenticator(state.users(), clock);
        var sessions = new dev.skep.api.dashboard.DashboardSessions(state.users(), clock);
        groups.add(new dev.skep.api.dashboard.DashboardRoutes(sessions, auth, bodies, clock));
        ApiServer api = life.add("api", new ApiServer(apiConfig, auth, groups, audit, tls, clock, sessions));
        api.start();
        String url = "http://" + config.advertiseHost() + ":" + api.port();
        if (config.zookeeper() != null) { // controllers of a cluster: each keeps a copy of every live release's slug
            RemoteSlugStore fromOthers = new RemoteSlugStore(builder.store(), () -> state.controllers().urls().stream()
                    .filter(other -> !other.equals(url)).toList(), state.controllers()::clusterToken,
                    new UploadLimits(1L << 30, 4L << 30, 500_000));
            life.add("slug replicator", new SlugReplicator(state.state(), builder.store(), fromOthers).start());
        }
        try {
            life.add("controller registration", state.controllers().register(config.agentId(), url));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while announcing the controller at " + url, e);
        }
        return api;
    }
}
