package dev.skep.state;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.ClusterState;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterState} over ZooKeeper. Reads go to ZooKeeper directly (a few local round trips,
 * always consistent with this process's own writes); a {@link CuratorCache} on /skep only serves
 * to tell listeners that something changed.
 */
public final class ZkClusterState implements ClusterState, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZkClusterState.class);

    private final CuratorFramework zk;
    private final Clock clock;
    private final ZkView view;
    private final CuratorCache cache;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.ExecutorService notifier = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("state-notify").daemon().unstarted(r));
    private final java.util.concurrent.atomic.AtomicBoolean notifyPending = new java.util.concurrent.atomic.AtomicBoolean();
    private final EphemeralNodes ephemerals;
    /** How often a registered agent beats; the leader's HeartbeatWatch allows a few missed beats. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);
    private final java.util.Map<String, AgentHeartbeat> heartbeats = new java.util.HashMap<>();

    public ZkClusterState(CuratorFramework zk, Clock clock) {
        this.zk = zk;
        this.clock = clock;
        ensure(Paths.APPS, Paths.AGENTS, Paths.ASSIGNMENTS, Paths.INSTANCES, Paths.USERS, Paths.ROUTE_EPOCH,
                Paths.ROUTERS, Paths.DRAINING, Paths.ROUTER_ENDPOINTS);
        this.view = new ZkView(zk);
        this.cache = view.cache();
        cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> changed()).build());
        view.start();
        this.ephemerals = new EphemeralNodes(zk, this::changed, Duration.ofSeconds(5));
        // a new session (after an expiry) or a reconnect: every loop re-reads what it may have missed
        zk.getConnectionStateListenable().addListener((client, newState) -> {
            if (newState == ConnectionState.RECONNECTED) {
                changed();
            }
        });
    }

    /**
     * Something changed: run the listeners once on the notifier thread (bursts coalesce). Called
     * by the watch on /skep and, without waiting for that round trip, after this process's own writes.
     */
    private void changed() {
        if (notifyPending.compareAndSet(false, true)) {
            try {
                notifier.execute(this::fire);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                notifyPending.set(false);
            }
        }
    }

    private void fire() {
        notifyPending.set(false);
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.error("event=state.listener-failed error={}", e.toString(), e);
            }
        }
    }

    /** How the user store and app documents read: the same connection and cache. */
    public ZkView view() {
        return view;
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // --- everything at once, from the watch-fed cache: no round trips ---

    @Override
    public dev.skep.model.ClusterSnapshot snapshot() {
        List<AppSpec> apps = new ArrayList<>();
        List<Release> releases = new ArrayList<>();
        List<AgentInfo> agents = new ArrayList<>();
        List<Assignment> assignments = new ArrayList<>();
        List<InstanceStatus> instances = new ArrayList<>();
        cache.stream().forEach(node -> {
            byte[] data = node.getData();
            if (data == null || data.length == 0) {
                return;
            }
            String[] parts = node.getPath().split("/"); // "", "skep", kind, ...
            try {
                switch (parts.length > 2 ? parts[2] : "") {
                    case "apps" -> {
                        if (parts.length == 5) {
                            apps.add(Json.read(data, AppSpec.class));
                        } else if (parts.length == 7 && parts[5].equals("releases")) {
                            releases.add(Json.read(data, Release.class));
                        }
                    }
                    case "agents" -> {
                        if (parts.length == 4) {
                            agents.add(Json.read(data, AgentInfo.class));
                        }
                    }
                    case "assignments" -> {
                        if (parts.length == 5) {
                            assignments.add(Json.read(data, Assignment.class));
                        }
                    }
                    case "instances" -> {
                        if (parts.length == 4) {
                            instances.add(Json.read(data, InstanceStatus.class));
                        }
                    }
                    default -> { }
                }
            } catch (RuntimeException e) {
                log.warn("event=state.unreadable path={} error=\"{}\"", node.getPath(), e.getMessage());
            }
        });
        apps.sort(Comparator.comparing(a -> a.id().toString()));
        return new dev.skep.model.ClusterSnapshot(apps, releases, agents, assignments, instances);
    }

    @Override
    public <T> java.util.Map<AppId, T> documents(String name, Class<T> type) {
        dev.skep.model.AppDocuments.requireName(name);
        java.util.Map<AppId, T> found = new java.util.HashMap<>();
        cache.stream().forEach(node -> {
            String[] parts = node.getPath().split("/"); // "", "skep", "apps", user, app, "documents", name
            byte[] data = node.getData();
            if (parts.length != 7 || !parts[2].equals("apps") || !parts[5].equals("documents")
                    || !parts[6].equals(name) || data == null || data.length == 0) {
                return;
            }
            try {
                found.put(new AppId(parts[3], parts[4]), Json.read(data, type));
            } catch (RuntimeException e) {
                log.warn("event=state.unreadable path={} error=\"{}\"", node.getPath(), e.getMessage());
            }
        });
        return found;
    }

    // --- apps ---

    @Override
    public List<AppSpec> apps() {
        List<AppSpec> apps = new ArrayList<>();
        for (String user : children(Paths.APPS)) {
            for (String name : children(Paths.user(user))) {
                read(Paths.APPS + "/" + user + "/" + name, AppSpec.class).ifPresent(apps::add);
            }
        }
        apps.sort(Comparator.comparing(a -> a.id().toString()));
        return apps;
    }

    @Override
    public Optional<AppSpec> app(AppId id) {
        return read(Paths.app(id), AppSpec.class);
    }

    @Override
    public AppSpec createApp(AppId id) {
        AppSpec fresh = AppSpec.create(id, clock.instant());
        view.requireWritable("create app " + id);
        try {
            zk.create().creatingParentsIfNeeded().forPath(Paths.app(id), Json.write(fresh));
            zk.create().forPath(Paths.releases(id));
            changed();
            return fresh;
        } catch (KeeperException.NodeExistsException e) {
            return app(id).orElseThrow(() -> conflict("app " + id + " is being created or deleted"));
        } catch (Exception e) {
            throw failure("create app " + id, e);
        }
    }

    @Override
    public AppSpec updateApp(AppId id, UnaryOperator<AppSpec> change) {
        String path = Paths.app(id);
        view.requireWritable("change app " + id);
        while (true) {
            try {
                Stat stat = new Stat();
                byte[] bytes = zk.getData().storingStatIn(stat).forPath(path);
                AppSpec next = change.apply(Json.read(bytes, AppSpec.class));
                zk.setData().withVersion(stat.getVersion()).forPath(path, Json.write(next));
                changed();
                return next;
            } catch (KeeperException.BadVersionException e) {
                // someone else changed it between our read and write: read again
            } catch (KeeperException.NoNodeException e) {
                throw SkepException.notFound("no app " + id);
            } catch (SkepException e) {
                throw e;
            } catch (Exception e) {
                throw failure("update app " + id, e);
            }
        }
    }

    @Override
    public void deleteApp(AppId id) {
        // the app first: with its assignments gone first, the scheduler saw an app short of instances and placed
        // a new one, which then outlived the delete
        view.requireWritable("delete app " + id);
        try {
            zk.delete().deletingChildrenIfNeeded().forPath(Paths.app(id));
        } catch (KeeperException.NoNodeException e) {
            throw SkepException.notFound("no app " + id);
        } catch (Exception e) {
            throw failure("delete app " + id, e);
        }
        for (Assignment assignment : assignments()) {
            if (assignment.app().equals(id)) {
                removeAssignment(assignment.agent(), assignment.instance());
            }
        }
        changed();
    }

    // --- releases ---

    @Override
    public List<Release> releases(AppId id) {
        List<Release> releases = new ArrayList<>();
        for (String child : children(Paths.releases(id))) {
            read(Paths.releases(id) + "/" + child, Release.class).ifPresent(releases::add);
        }
        releases.sort(Comparator.comparingInt(Release::number).reversed());
        return releases;
    }

    @Override
    public Optional<Release> release(AppId id, int number) {
        return read(Paths.release(id, number), Release.class);
    }

    @Override
    public Release addRelease(AppId id, IntFunction<Release> factory) {
        view.requireWritable("store a release of " + id);
        while (true) {
            int next = children(Paths.releases(id)).stream().mapToInt(Integer::parseInt).max().orElse(0) + 1;
            // the app's current release may be newer than any kept on disk after pruning
            next = Math.max(next, app(id).map(a -> a.release() + 1).orElse(1));
            Release release = factory.apply(next);
            try {
                zk.create().forPath(Paths.release(id, next), Json.write(release));
                changed();
                return release;
            } catch (KeeperException.NodeExistsException e) {
                // a concurrent deploy took this number: take the next
            } catch (KeeperException.NoNodeException e) {
                throw SkepException.notFound("no app " + id);
            } catch (Exception e) {
                throw failure("store release of " + id, e);
            }
        }
    }

    @Override
    public void deleteRelease(AppId id, int number) {
        delete(Paths.release(id, number));
    }

    // --- agents ---

    @Override
    public void registerAgent(AgentInfo agent) {
        AppId.requireName("agent", agent.id());
        ephemerals.put(Paths.agent(agent.id()), Json.write(agent));
        synchronized (heartbeats) {
            heartbeats.computeIfAbsent(agent.id(), id -> new AgentHeartbeat(zk, id, HEARTBEAT_INTERVAL,
                    agent.memoryBytes()));
        }
    }

    @Override
    public List<AgentInfo> agents() {
        List<AgentInfo> agents = new ArrayList<>();
        for (String id : children(Paths.AGENTS)) {
            read(Paths.agent(id), AgentInfo.class).ifPresent(agents::add);
        }
        return agents;
    }

    @Override
    public java.util.Set<String> drainingAgents() {
        java.util.Set<String> draining = new java.util.TreeSet<>();
        String prefix = Paths.DRAINING + "/";
        cache.stream().forEach(node -> {
            if (node.getPath().startsWith(prefix)) {
                draining.add(node.getPath().substring(prefix.length()));
            }
        });
        return draining;
    }

    @Override
    public void setDraining(String agentId, boolean draining) {
        AppId.requireName("agent", agentId);
        String path = Paths.draining(agentId);
        view.requireWritable((draining ? "drain" : "undrain") + " agent " + agentId);
        try {
            if (draining) {
                zk.create().orSetData().creatingParentsIfNeeded().forPath(path, new byte[0]);
                changed();
            } else {
                delete(path);
            }
        } catch (Exception e) {
            throw failure((draining ? "drain" : "undrain") + " agent " + agentId, e);
        }
    }

    // --- assignments ---

    @Override
    public List<Assignment> assignments() {
        List<Assignment> all = new ArrayList<>();
        for (String agent : children(Paths.ASSIGNMENTS)) {
            all.addAll(assignments(agent));
        }
        return all;
    }

    @Override
    public List<Assignment> assignments(String agentId) {
        List<Assignment> list = new ArrayList<>();
        for (String instance : children(Paths.assignments(agentId))) {
            read(Paths.assignment(agentId, instance), Assignment.class).ifPresent(list::add);
        }
        return list;
    }

    @Override
    public List<String> assignedInstances(String agentId) {
        return children(Paths.assignments(agentId));
    }

    @Override
    public Optional<Assignment> assignment(String agentId, String instance) {
        if (!InstanceIds.isValid(instance)) {
            return Optional.empty(); // no such assignment can exist; a stray node must not stop a reconcile
        }
        return read(Paths.assignment(agentId, instance), Assignment.class);
    }

    @Override
    public void putAssignment(Assignment assignment) {
        AppId.requireName("agent", assignment.agent());
        requireInstance(assignment.instance());
        String path = Paths.assignment(assignment.agent(), assignment.instance());
        view.requireWritable("assign " + assignment.instance());
        try {
            zk.create().orSetData().creatingParentsIfNeeded().forPath(path, Json.write(assignment));
            changed();
        } catch (Exception e) {
            throw failure("assign " + assignment.instance(), e);
        }
    }

    @Override
    public void removeAssignment(String agentId, String instance) {
        requireInstance(instance);
        delete(Paths.assignment(agentId, instance));
    }

    // --- instances ---

    @Override
    public List<InstanceStatus> instances() {
        return instancesNamed(id -> true);
    }

    @Override
    public List<InstanceStatus> instances(AppId app) {
        String prefix = InstanceIds.prefix(app); // the id names the app: no read of other apps' nodes
        return instancesNamed(id -> id.startsWith(prefix)).stream().filter(i -> i.app().equals(app)).toList();
    }

    private List<InstanceStatus> instancesNamed(java.util.function.Predicate<String> wanted) {
        List<InstanceStatus> list = new ArrayList<>();
        for (String id : children(Paths.INSTANCES)) {
            if (wanted.test(id)) {
                read(Paths.instance(id), InstanceStatus.class).ifPresent(list::add);
            }
        }
        return list;
    }

    @Override
    public void putInstance(InstanceStatus status) {
        requireInstance(status.instance());
        ephemerals.put(Paths.instance(status.instance()), Json.write(status));
    }

    @Override
    public void removeInstance(String instance) {
        requireInstance(instance);
        ephemerals.remove(Paths.instance(instance));
    }

    // --- routers catching up ---

    /** One ZooKeeper node name: no slash, no "." or "..". */
    private static final java.util.regex.Pattern ROUTER_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    @Override
    public long markRouteEpoch() {
        view.requireWritable("publish a route change");
        try {
            // an unconditional write bumps the node's data version atomically: that version is the epoch
            return zk.setData().forPath(Paths.ROUTE_EPOCH, new byte[0]).getVersion();
        } catch (Exception e) {
            throw failure("write " + Paths.ROUTE_EPOCH, e);
        }
    }

    @Override
    public long routeEpochSeen() {
        return cache.get(Paths.ROUTE_EPOCH).map(node -> (long) node.getStat().getVersion()).orElse(0L);
    }

    @Override
    public void reportRoutesApplied(String routerId, long epoch) {
        if (!ROUTER_ID.matcher(routerId).matches()) {
            throw new IllegalArgumentException("invalid router id '" + routerId + "'");
        }
        ephemerals.put(Paths.router(routerId), Long.toString(epoch).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public java.util.Map<String, Long> routesApplied() {
        java.util.Map<String, Long> applied = new java.util.TreeMap<>();
        for (String id : children(Paths.ROUTERS)) {
            // absent: that router just went away
            view.data(Paths.router(id)).ifPresent(data -> {
                try {
                    applied.put(id, Long.parseLong(new String(data, java.nio.charset.StandardCharsets.US_ASCII).strip()));
                } catch (NumberFormatException e) {
                    applied.put(id, 0L);
                }
            });
        }
        return applied;
    }

    @Override
    public void registerRouter(dev.skep.model.RouterEndpoint endpoint) {
        if (!ROUTER_ID.matcher(endpoint.id()).matches()) {
            throw new IllegalArgumentException("invalid router id '" + endpoint.id() + "'");
        }
        ephemerals.put(Paths.routerEndpoint(endpoint.id()), Json.write(endpoint));
    }

    @Override
    public List<dev.skep.model.RouterEndpoint> routers() {
        List<dev.skep.model.RouterEndpoint> routers = new ArrayList<>();
        for (String id : children(Paths.ROUTER_ENDPOINTS)) {
            // absent: that router just went away
            view.data(Paths.routerEndpoint(id)).ifPresent(data -> {
                try {
                    routers.add(Json.read(data, dev.skep.model.RouterEndpoint.class));
                } catch (java.io.UncheckedIOException e) { // written by a newer or broken router: the others count
                    log.warn("event=router-endpoint.unreadable router={} error=\"{}\" next=\"left out\"", id,
                            e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                }
            });
        }
        routers.sort(Comparator.comparing(dev.skep.model.RouterEndpoint::id));
        return routers;
    }

    // --- plumbing ---

    private static void requireInstance(String instance) {
        if (!InstanceIds.isValid(instance)) {
            throw SkepException.badRequest("invalid instance id '" + instance + "'", null);
        }
    }

    private List<String> children(String path) {
        return view.children(path);
    }

    private <T> Optional<T> read(String path, Class<T> type) {
        return view.data(path).filter(data -> data.length > 0).map(data -> Json.read(data, type));
    }

    private void delete(String path) {
        view.requireWritable("delete " + path);
        try {
            zk.delete().guaranteed().deletingChildrenIfNeeded().forPath(path);
            changed();
        } catch (KeeperException.NoNodeException e) {
            // already gone: that is what we wanted
        } catch (Exception e) {
            throw failure("delete " + path, e);
        }
    }

    private void ensure(String... paths) {
        for (String path : paths) {
            try {
                zk.create().creatingParentsIfNeeded().forPath(path);
            } catch (KeeperException.NodeExistsException e) {
                // fine
            } catch (Exception e) {
                throw failure("create " + path, e);
            }
        }
    }

    private static SkepException conflict(String message) {
        return new SkepException(SkepException.Kind.CONFLICT, message, "try again");
    }

    static SkepException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new SkepException(SkepException.Kind.UNAVAILABLE, "state store: cannot " + what + ": " + e,
                "check that ZooKeeper is reachable; skep retries on its own", e);
    }

    @Override
    public void close() {
        synchronized (heartbeats) {
            heartbeats.values().forEach(AgentHeartbeat::close);
            heartbeats.clear();
        }
        if (zk.getZookeeperClient().isConnected()) {
            ephemerals.close(); // else the session's end removes them, without waiting on retries
        }
        view.close();
        notifier.shutdownNow();
    }
}
