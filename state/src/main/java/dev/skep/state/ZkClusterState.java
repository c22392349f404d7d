package dev.skep.state;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.ClusterSnapshot;
import dev.skep.model.ClusterState;
import dev.skep.model.HeartbeatPace;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import dev.skep.model.RouterEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterState} over ZooKeeper: one connection and one watch-fed cache of /skep shared by a piece per view
 * ({@link ZkApps}, {@link ZkAssignments}, {@link ZkInstances}, {@link ZkAgents}, {@link ZkRouteEpochs},
 * {@link ZkSnapshots}, {@link ZkChangeFeed}); this class only builds them and hands each call to its piece. Reads
 * other than snapshots go to ZooKeeper directly (a few local round trips, always consistent with this process's
 * own writes); the cache serves snapshots and tells listeners that something changed.
 */
public final class ZkClusterState implements ClusterState, AutoCloseable {

    /** How often a registered agent beats until the leader publishes a slower pace (HeartbeatPace, HeartbeatWatch). */
    public static final Duration HEARTBEAT_INTERVAL = HeartbeatPace.MIN_INTERVAL;
    private static final Logger log = LoggerFactory.getLogger(ZkClusterState.class);
    /** How long a new state waits for its cache's first load of /skep before readers see it. */
    private static final Duration INITIAL_LOAD = Duration.ofSeconds(10);

    private final CuratorFramework zk;
    private final ZkView view;
    private final ZkChangeFeed changes;
    private final EphemeralNodes ephemerals;
    private final ZkSnapshots snapshots;
    private final ZkAssignments assignments;
    private final ZkApps apps;
    private final ZkInstances instances;
    private final ZkAgents agents;
    private final ZkRouteEpochs routes;

    public ZkClusterState(CuratorFramework zk, Clock clock) {
        this(zk, clock, Optional::empty);
    }

    /** @param whyDown why ZooKeeper is down when this process knows it (its embedded server's failure), for the
     *                 answers of the changes refused meanwhile */
    public ZkClusterState(CuratorFramework zk, Clock clock, Supplier<Optional<String>> whyDown) {
        this.zk = zk;
        this.view = new ZkView(zk, whyDown);
        this.changes = new ZkChangeFeed(view);
        ZkNodes nodes = new ZkNodes(zk, view, changes::changed);
        nodes.ensure(Paths.APPS, Paths.AGENTS, Paths.ASSIGNMENTS, Paths.INSTANCES, Paths.USERS, Paths.ROUTE_EPOCH,
                Paths.ROUTERS, Paths.DRAINING, Paths.ROUTER_ENDPOINTS);
        NodeIndex index = new NodeIndex();
        ParsedNodes parsed = new ParsedNodes(view.cache());
        // One listener does it all, in this order: a change must be in the index before the feed wakes a reader (else
        // the reader sees the node as it was, and nothing wakes it again). Two listeners would not do: Curator keeps a
        // cache's listeners in a ConcurrentHashMap and calls them in its order, which changes from run to run (a route
        // setting or a new instance then reached a router only with the next change, in about half the test runs).
        CountDownLatch loaded = new CountDownLatch(1);
        view.cache().listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> {
            if (type == CuratorCacheListener.Type.NODE_DELETED) {
                index.remove(before);
                parsed.forget(before.getPath());
            } else {
                index.put(after);
            }
            changes.changed();
        }).forInitialized(loaded::countDown).build());
        this.snapshots = new ZkSnapshots(parsed, index);
        view.start(); // after the listener: the index holds the initial load too
        // and readers start from the whole state: a router's first table with half the apps would answer 404s
        awaitInitialLoad(loaded);
        this.ephemerals = new EphemeralNodes(zk, changes::changed, Duration.ofSeconds(5));
        // a new session (after an expiry) or a reconnect: every loop re-reads what it may have missed
        zk.getConnectionStateListenable().addListener((client, newState) -> {
            if (newState == ConnectionState.RECONNECTED) {
                changes.changed();
            }
        });
        this.assignments = new ZkAssignments(nodes);
        this.apps = new ZkApps(nodes, assignments, clock);
        this.instances = new ZkInstances(nodes, ephemerals);
        this.agents = new ZkAgents(nodes, ephemerals, HEARTBEAT_INTERVAL);
        this.routes = new ZkRouteEpochs(nodes, ephemerals, view.cache());
    }

    private static void awaitInitialLoad(CountDownLatch loaded) {
        try {
            if (!loaded.await(INITIAL_LOAD.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("event=state.load-slow waited_ms={} effect=\"readers start from part of the state; the rest "
                        + "arrives as it loads\"", INITIAL_LOAD.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How the user store and app documents read: the same connection and cache. */
    public ZkView view() {
        return view;
    }

    // --- change feed and snapshots ---

    @Override
    public AutoCloseable onChange(Runnable listener) {
        return changes.onChange(listener);
    }

    @Override
    public boolean reachable() {
        return changes.reachable();
    }

    @Override
    public ClusterSnapshot snapshot() {
        return snapshots.snapshot();
    }

    @Override
    public <T> Map<AppId, T> documents(String name, Class<T> type) {
        return snapshots.documents(name, type);
    }

    // --- apps and releases ---

    @Override
    public List<AppSpec> apps() {
        return apps.apps();
    }

    @Override
    public int appCount(String user) {
        return apps.appCount(user);
    }

    @Override
    public Set<AppId> appIds() {
        return apps.appIds();
    }

    @Override
    public Optional<AppSpec> app(AppId id) {
        return apps.app(id);
    }

    @Override
    public Optional<AppSpec> appSeen(AppId id) {
        return snapshots.appSeen(id);
    }

    @Override
    public AppSpec createApp(AppId id) {
        return apps.createApp(id);
    }

    @Override
    public AppSpec updateApp(AppId id, UnaryOperator<AppSpec> change) {
        return apps.updateApp(id, change);
    }

    @Override
    public Marked updateAppMarkingRoutes(AppId id, UnaryOperator<AppSpec> change) {
        return apps.updateAppMarkingRoutes(id, change);
    }

    @Override
    public void deleteApp(AppId id) {
        apps.deleteApp(id);
    }

    @Override
    public List<Release> releases(AppId id) {
        return apps.releases(id);
    }

    @Override
    public Optional<Release> release(AppId id, int number) {
        return apps.release(id, number);
    }

    @Override
    public Release addReleaseCreatingApp(AppId id, BiFunction<AppSpec, Integer, Release> factory) {
        return apps.addReleaseCreatingApp(id, factory);
    }

    @Override
    public Release addRelease(AppId id, IntFunction<Release> factory) {
        return apps.addRelease(id, factory);
    }

    @Override
    public void deleteRelease(AppId id, int number) {
        apps.deleteRelease(id, number);
    }

    // --- agents ---

    @Override
    public void registerAgent(AgentInfo agent) {
        agents.registerAgent(agent);
    }

    @Override
    public List<AgentInfo> agents() {
        return agents.agents();
    }

    @Override
    public Set<String> drainingAgents() {
        return agents.drainingAgents();
    }

    @Override
    public void setDraining(String agentId, boolean draining) {
        agents.setDraining(agentId, draining);
    }

    // --- assignments ---

    @Override
    public List<Assignment> assignments() {
        return assignments.assignments();
    }

    @Override
    public List<Assignment> assignments(String agentId) {
        return assignments.assignments(agentId);
    }

    @Override
    public List<String> assignedInstances(String agentId) {
        return assignments.assignedInstances(agentId);
    }

    @Override
    public Optional<Assignment> assignment(String agentId, String instance) {
        return assignments.assignment(agentId, instance);
    }

    @Override
    public void putAssignment(Assignment assignment) {
        assignments.putAssignment(assignment);
    }

    @Override
    public void removeAssignment(String agentId, String instance) {
        assignments.removeAssignment(agentId, instance);
    }

    @Override
    public void writeAssignments(List<Assignment> put, List<Assignment> withdraw, Consumer<Assignment> written) {
        assignments.writeAssignments(put, withdraw, written);
    }

    // --- instances ---

    @Override
    public List<InstanceStatus> instances() {
        return instances.instances();
    }

    @Override
    public List<InstanceStatus> instances(AppId app) {
        return instances.instances(app);
    }

    @Override
    public List<InstanceStatus> instancesSeen(AppId app) {
        return snapshots.instancesSeen(app);
    }

    @Override
    public void putInstance(InstanceStatus status) {
        instances.putInstance(status);
    }

    @Override
    public void removeInstance(String instance) {
        instances.removeInstance(instance);
    }

    // --- routers catching up ---

    @Override
    public long markRouteEpoch() {
        return routes.markRouteEpoch();
    }

    @Override
    public long routeEpochSeen() {
        return routes.routeEpochSeen();
    }

    @Override
    public void reportRoutesApplied(String routerId, long epoch) {
        routes.reportRoutesApplied(routerId, epoch);
    }

    @Override
    public Map<String, Long> routesApplied() {
        return routes.routesApplied();
    }

    @Override
    public void registerRouter(RouterEndpoint endpoint) {
        routes.registerRouter(endpoint);
    }

    @Override
    public List<RouterEndpoint> routers() {
        return routes.routers();
    }

    @Override
    public void close() {
        agents.close();
        if (zk.getZookeeperClient().isConnected()) {
            ephemerals.close(); // else the session's end removes them, without waiting on retries
        }
        view.close();
        changes.close();
    }
}
