package dev.skep.server;

import dev.skep.api.AgentViews;
import dev.skep.api.ApiConfig;
import dev.skep.api.Routes;
import dev.skep.api.server.ApiServer;
import dev.skep.api.AppCommands;
import dev.skep.api.AppViews;
import dev.skep.api.Bodies;
import dev.skep.api.Follows;
import dev.skep.api.IdleStore;
import dev.skep.api.LocalVolumes;
import dev.skep.api.RouteSettingsStore;
import dev.skep.api.audit.AuditLog;
import dev.skep.api.auth.Accounts;
import dev.skep.api.auth.Authenticator;
import dev.skep.api.dashboard.DashboardRoutes;
import dev.skep.api.dashboard.DashboardSessions;
import dev.skep.api.git.GitRepos;
import dev.skep.api.git.GitRoutes;
import dev.skep.api.haibu.DroneRoutes;
import dev.skep.api.tls.ApiTls;
import dev.skep.api.v1.AgentAssignmentRoutes;
import dev.skep.api.v1.AgentRoutes;
import dev.skep.api.v1.AppRoutes;
import dev.skep.api.v1.AuditRoutes;
import dev.skep.api.v1.CertificateRoutes;
import dev.skep.api.v1.DeployRoutes;
import dev.skep.api.v1.DomainRoutes;
import dev.skep.api.v1.LogRoutes;
import dev.skep.api.v1.PlacementRoutes;
import dev.skep.api.v1.ReleaseRoutes;
import dev.skep.api.v1.RouteSettingsRoutes;
import dev.skep.api.v1.RunRoutes;
import dev.skep.api.v1.SlugRoutes;
import dev.skep.api.v1.UserRoutes;
import dev.skep.api.v1.VolumeRoutes;
import dev.skep.deploy.AppQuota;
import dev.skep.deploy.BuildLogs;
import dev.skep.deploy.Deployer;
import dev.skep.deploy.LaunchAhead;
import dev.skep.deploy.SlugBuilder;
import dev.skep.deploy.build.BuildJail;
import dev.skep.deploy.build.BuildUser;
import dev.skep.deploy.build.NodeBuilder;
import dev.skep.deploy.release.AppLocks;
import dev.skep.deploy.release.CrashLoopWatch;
import dev.skep.deploy.release.CrashRollback;
import dev.skep.deploy.release.ProbationSettings;
import dev.skep.deploy.release.ReleaseFailures;
import dev.skep.deploy.release.Rollout;
import dev.skep.deploy.release.RolloutRecovery;
import dev.skep.deploy.slug.LocalSlugStore;
import dev.skep.deploy.slug.RemoteSlugStore;
import dev.skep.deploy.slug.SlugReplicator;
import dev.skep.model.AppId;
import dev.skep.model.EventSink;
import dev.skep.model.LogSource;
import dev.skep.model.OneOffs;
import dev.skep.model.RolloutOwners;
import dev.skep.model.limits.CgroupSetup;
import dev.skep.model.view.VolumesView;
import dev.skep.schedule.Scheduler;
import dev.skep.server.version.Version;
import dev.skep.state.HeartbeatWatch;
import dev.skep.state.Leadership;
import dev.skep.state.StateConnection;
import dev.skep.state.ZkAppDocuments;
import dev.skep.state.ZkRolloutOwners;
import dev.skep.supervise.Agent;
import dev.skep.supervise.AppUsers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * The controller role: builds (slugs), rollouts, the scheduler (on the elected leader only) and the API.
 * {@link #start} builds and starts everything in order but the API, which {@link #startApi} adds last, with the
 * route groups of the roles the caller started (the monitor's, for one).
 */
final class ControllerRole {

    private final ControllerSettings config;
    /** This controller's own files: git repositories, audit log, uploads in progress. */
    private final Path data;
    private final StateRole state;
    private final SlugBuilder builder;
    private final Deployer deployer;
    private final EventSink events;
    private final Clock clock;
    /** The app logs a failed rollout quotes and the API serves: the local agent's, or fetched from the agents. */
    private final LogSource logs;
    private final ProbationSettings probation;
    /** Which agents this controller hears no heartbeat from (for `skep agents`). */
    private final HeartbeatWatch heartbeats;
    private final LocalAgent agent;
    /** git push deploys: bare repositories per app in <data-dir>/git, deleted with the app. */
    private final GitRepos gitRepos;

    /**
     * What the agent in the same process (`skep server`) lends the controller: whose uid each app's build runs
     * under, the volumes the API sizes, exports and purges, where the API's one-offs (`skep run`) run, and what it
     * readies for a deploy's first launch while the deploy goes on. {@link #none()} for a controller alone. The agent
     * starts first, so all of it is there when the controller is built.
     */
    record LocalAgent(Function<AppId, BuildUser> buildUsers, LocalVolumes volumes, OneOffs oneOffs,
                      LaunchAhead launchAhead) {

        static LocalAgent none() {
            return new LocalAgent(app -> null, LocalVolumes.none(), OneOffs.none(), LaunchAhead.none());
        }

        /** Builds run under the uid the agent gives each app (root only; otherwise as skep). */
        static LocalAgent of(Agent agent) {
            Function<AppId, BuildUser> users = app -> {
                AppUsers.AppUser user = agent.userFor(app);
                return user == null ? null : new BuildUser(user.uid(), user.gid());
            };
            LocalVolumes volumes = new LocalVolumes() {
                @Override
                public String agent() {
                    return agent.config().agentId();
                }

                @Override
                public Path dir(AppId app, String path) {
                    return agent.volumeDir(app, path);
                }

                @Override
                public Optional<VolumesView.Disk> disk(AppId app) {
                    return agent.disk(app);
                }
            };
            return new LocalAgent(users, volumes, agent.oneOffs(), agent::prepareAhead);
        }
    }

    private ControllerRole(ControllerSettings config, Path data, StateRole state, SlugBuilder builder,
                           Deployer deployer, LogSource logs, ProbationSettings probation, HeartbeatWatch heartbeats,
                           LocalAgent agent, GitRepos gitRepos, EventSink events, Clock clock) {
        this.config = config;
        this.data = data;
        this.state = state;
        this.builder = builder;
        this.deployer = deployer;
        this.logs = logs;
        this.probation = probation;
        this.heartbeats = heartbeats;
        this.agent = agent;
        this.gitRepos = gitRepos;
        this.events = events;
        this.clock = clock;
    }

    /**
     * @param logs  the app logs a failed rollout quotes and the API serves
     * @param slugs where builds are published (and the agent of `skep server` runs them from)
     * @param agent what the agent of this process lends, or {@link LocalAgent#none()}
     */
    static ControllerRole start(Lifecycle life, ControllerSettings config, Path data, StateRole s, EventSink events,
                                Clock clock, LogSource logs, LocalSlugStore slugs, LocalAgent agent)
            throws Exception {
        AdminBootstrap.ensureAdmin(s.users(), data, clock);
        boolean oneHost = config.oneHost();
        if (oneHost) { // one host (`skep server`): whatever rollout was in flight died with us
            RolloutRecovery.recover(s.state(), events, clock);
        }
        // In a cluster, leadership and rollout claims ride on a session of their own, shorter than the main one: a
        // leader killed outright is replaced within seconds, and its rollouts are then known to be nobody's. One host
        // has one controller: no claims (the recovery above covers its restarts), and leadership on the main session,
        // so a loaded or paused host neither loses it nor fails a deploy waiting for a claim (a CI run on a load of
        // 70 saw 'cannot record that this controller runs the rollout')
        StateConnection leading = oneHost ? s.connection() : s.leadershipConnection(life);
        RolloutOwners owners = oneHost ? RolloutOwners.none() : new ZkRolloutOwners(leading.client(), config.id());
        ZkAppDocuments documents = new ZkAppDocuments(s.state().view());
        ProbationSettings probation = new ProbationSettings(documents, config.releases().probation());
        Rollout rollout = new Rollout(s.state(), owners, events, clock, config.startTimeout().plusSeconds(5), logs,
                probation, new ReleaseFailures(documents));
        Leadership leadership = new Leadership(leading.client(), config.id());
        // an agent killed outright is known dead by its silent heartbeat (~2 s while the cluster is small, slower
        // as the leader's published pace grows with the agents: HeartbeatPace), not its session's end (10 s by
        // default). The watch is on the leadership session: on the main one its beats queued behind the /skep
        // cache's events, and a burst of writes (3,000 apps seeded in 7 s, bench/cluster/scale.sh) held every beat
        // back past its silence. It trusts a missing node after a session of its own (the cluster's, when every role
        // is given the same --zk-session-timeout)
        HeartbeatWatch heartbeats = life.add("heartbeat watch", new HeartbeatWatch(leading.client(),
                s.sessionTimeout().plusSeconds(1)));
        Scheduler scheduler = new Scheduler(s.state(), leadership::isLeader, clock, config.agentGrace(), events,
                heartbeats, new UnplacedDocuments(s.state(), documents));
        heartbeats.onChange(scheduler::poke);
        heartbeats.publishPaceWhile(leadership::isLeader);
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
        life.add("idle watcher", new IdleWatcher(s.state(), new IdleStore(documents),
                leadership::isLeader, events, clock).start());

        // each app's build cache below is its build user's own (0700); the parent only lets it through
        SkepServer.passThroughDir(data.resolve("build-cache"));
        // each build and release phase in a cgroup of its own, killed whole when it ends (root only)
        BuildJail jail = new BuildJail(CgroupSetup.detect(s.zooKeeperPorts()), config.security().buildLimits(),
                BuildJail.scopeOf(data));
        LoggerFactory.getLogger(ControllerRole.class).info("event=build.jail cgroups=\"{}\" limits=\"{}\"",
                jail.describe(), jail.limits());
        // builds run the upload's install scripts: under the app's own uid when root (see BuildUser); a release
        // phase may run here for a slug another controller built, fetched from it
        SlugBuilder builder = new SlugBuilder(data, slugs,
                new RemoteSlugStore(slugs, s.controllers()::urls, s.controllers()::clusterToken),
                config.uploadLimits(),
                new NodeBuilder(SkepServer.passThroughDir(data.resolve("npm-cache")), Duration.ofMinutes(10))
                        .confinedBy(jail), agent.buildUsers());
        builder.cleanHalfFinished();
        GitRepos gitRepos = new GitRepos(data.resolve("git"));
        gitRepos.sweep(data.resolve("tmp"));
        // deploys, config changes and the crash-loop rollback of one app take turns on its lock
        AppLocks locks = new AppLocks();
        CrashLoopWatch crashLoops = new CrashLoopWatch(s.state(), clock, config.releases().autoRollback(),
                new CrashRollback(s.state(), rollout, locks, events, clock));
        Deployer deployer = new Deployer(s.state(), builder, rollout, events, clock, 5,
                new BuildLogs(data.resolve("build-logs"), clock), crashLoops, locks, List.of(gitRepos::delete),
                agent.launchAhead(), new AppQuota(s.state(), config.security().maxAppsPerUser()));
        life.add("crash-loop watch", crashLoops.start());
        return new ControllerRole(config, data, s, builder, deployer, logs, probation, heartbeats, agent, gitRepos,
                events, clock);
    }

    /**
     * Starts the API, last: it answers for everything built before it.
     *
     * @param extra   more route groups
     * @param monitor adds usage figures, health settings and the monitor's routes; null for none
     */
    ApiServer startApi(Lifecycle life, int routerPort, List<Routes> extra,
                       MonitorRole monitor, ApiTls tls) throws IOException {
        ApiConfig apiConfig = new ApiConfig(config.bind(), config.apiPort(), 64 * 1024, config.baseDomain(),
                routerPort, 64, Version.current());
        AppViews views = new AppViews(state.state(), config.baseDomain(), routerPort,
                monitor == null ? instance -> null : monitor::usage, new DeployHistory(deployer));
        AppCommands commands = new AppCommands(state.state(), deployer, clock, apiConfig.maxInstances());
        Bodies bodies = new Bodies(apiConfig.maxJsonBytes());
        RouterDomainRules domainRules = new RouterDomainRules(config.baseDomain(), config.security().domainProof());
        var documents = new ZkAppDocuments(state.state().view());
        var routeSettings = new RouteSettingsStore(documents);
        Follows follows = new Follows();
        List<Routes> groups = new ArrayList<>(List.of(
                new DeployRoutes(deployer, views),
                new ReleaseRoutes(commands, views, deployer.buildLogs()),
                new AppRoutes(commands, views, bodies, monitor == null ? null : monitor.health(), routeSettings,
                        probation),
                new DomainRoutes(state.state(), commands, domainRules, bodies, clock),
                new VolumeRoutes(state.state(), commands, bodies, clock, builder.store(),
                        agent.volumes()),
                new LogRoutes(logs, commands, follows),
                new DroneRoutes(state.state(), commands, views, bodies),
                new SlugRoutes(builder.store(), state.controllers()::clusterToken),
                new AgentAssignmentRoutes(state.state(), state.state(), state.controllers()::clusterToken),
                new RunRoutes(state.state(), commands, bodies, agent.oneOffs())));
        AuditLog audit = AuditLog.in(data.resolve("audit"));
        groups.add(new UserRoutes(new Accounts(state.users(), state.state(), clock),
                bodies));
        groups.add(new AuditRoutes(audit));
        groups.add(new AgentRoutes(state.state(), new AgentViews(state.state(),
                heartbeats), events, clock));
        groups.add(new PlacementRoutes(documents, commands, bodies));
        groups.add(new RouteSettingsRoutes(routeSettings, commands));
        groups.add(new CertificateRoutes(documents, commands,
                domainRules, bodies, clock, state.state()::apps));
        groups.add(new GitRoutes(deployer, gitRepos, config.uploadLimits(),
                data.resolve("tmp"), app -> state.state().app(app).isPresent(), views::url));
        groups.addAll(extra);
        if (monitor != null) {
            groups.addAll(monitor.routes(commands, views, bodies, follows));
        }
        Authenticator auth = new Authenticator(state.users(), clock);
        var sessions = new DashboardSessions(state.users(), clock);
        groups.add(new DashboardRoutes(sessions, auth, bodies, clock));
        ApiServer api = life.add("api", new ApiServer(apiConfig, auth, groups, audit, tls, clock, sessions));
        api.start();
        // closed before the API: a deploy waiting on its rollout gets its answer, not a connection cut after 2 s
        life.add("rollouts in flight", () -> deployer.stopWaiting());
        life.add("followed logs and events", follows); // closed before the API too: their answers end, not cut at 2 s
        String url = "http://" + config.advertiseHost() + ":" + api.port();
        if (!config.oneHost()) { // controllers of a cluster: each keeps a copy of every live release's slug
            RemoteSlugStore fromOthers = new RemoteSlugStore(builder.store(), () -> state.controllers().urls().stream()
                    .filter(other -> !other.equals(url)).toList(), state.controllers()::clusterToken);
            life.add("slug replicator", new SlugReplicator(state.state(), builder.store(), fromOthers).start());
        }
        try {
            life.add("controller registration", state.controllers().register(config.id(), url));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while announcing the controller at " + url, e);
        }
        return api;
    }
}
