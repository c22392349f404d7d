package dev.skep.model;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The cluster's shared state: desired (apps, releases, assignments) and observed (agents,
 * instances). Implemented over ZooKeeper in the state module; stages only see this interface.
 * Reads may come from a local cache that lags writes by milliseconds; {@link #onChange} tells
 * when it moved.
 */
public interface ClusterState {

    // --- apps and releases (written by the API) ---

    List<AppSpec> apps();

    Optional<AppSpec> app(AppId id);

    /** Creates the app if absent, else returns the existing spec. */
    AppSpec createApp(AppId id);

    /** Atomic read-modify-write (retried on concurrent change). Throws NOT_FOUND if absent. */
    AppSpec updateApp(AppId id, UnaryOperator<AppSpec> change);

    /** Removes the app, its releases and its assignments. */
    void deleteApp(AppId id);

    /** Newest first. */
    List<Release> releases(AppId id);

    Optional<Release> release(AppId id, int number);

    /** Stores a release under the next free number; the factory receives that number. */
    Release addRelease(AppId id, java.util.function.IntFunction<Release> factory);

    void deleteRelease(AppId id, int number);

    // --- agents (ephemeral, one per live agent) ---

    void registerAgent(AgentInfo agent);

    List<AgentInfo> agents();

    // --- agents an admin drained (kept apart from the agents' own nodes: they outlive an agent's session) ---

    /** The agents that take no new work and whose instances move away; served like {@link #snapshot()}. */
    default java.util.Set<String> drainingAgents() {
        return java.util.Set.of();
    }

    /** Drains ({@code true}) or undrains an agent; the scheduler acts on it at its next pass. */
    default void setDraining(String agentId, boolean draining) {
        throw new UnsupportedOperationException("this state keeps no draining agents");
    }

    // --- assignments (written by the scheduler, read by agents) ---

    List<Assignment> assignments();

    List<Assignment> assignments(String agentId);

    /** The ids of the instances assigned to an agent: one read, for a reconcile loop that knows most of them. */
    default List<String> assignedInstances(String agentId) {
        return assignments(agentId).stream().map(Assignment::instance).toList();
    }

    /** One assignment of an agent, if it is (still) there. */
    default Optional<Assignment> assignment(String agentId, String instance) {
        return assignments(agentId).stream().filter(a -> a.instance().equals(instance)).findFirst();
    }

    void putAssignment(Assignment assignment);

    void removeAssignment(String agentId, String instance);

    // --- instances (ephemeral, written by the agent that runs them) ---

    List<InstanceStatus> instances();

    /** One app's instances: for loops that wait on an app, without reading every other app's. */
    default List<InstanceStatus> instances(AppId app) {
        return instances().stream().filter(i -> i.app().equals(app)).toList();
    }

    void putInstance(InstanceStatus status);

    void removeInstance(String instance);

    // --- everything at once ---

    /**
     * A view of the whole cluster for loops that re-read it on every change. Implementations may
     * serve it from a local cache that lags writes by milliseconds: such loops run again on the
     * {@link #onChange} that follows when the cache catches up.
     */
    default ClusterSnapshot snapshot() {
        List<AppSpec> apps = apps();
        List<Release> releases = apps.stream().flatMap(a -> releases(a.id()).stream()).toList();
        return new ClusterSnapshot(apps, releases, agents(), assignments(), instances());
    }

    /**
     * Every app's document of one name (see {@link AppDocuments}) decoded as {@code type}, served like
     * {@link #snapshot()} (from a cache that may lag by milliseconds); unreadable ones are left out. For the
     * routers, which read settings of all apps on every change. None unless the implementation keeps them.
     */
    default <T> java.util.Map<AppId, T> documents(String name, Class<T> type) {
        return java.util.Map.of();
    }

    // --- routers catching up with the state ---

    /**
     * Marks everything written so far with a new route epoch and answers it. A router that reports this
     * epoch (or a later one) routes by a state at least as new as the marker: a rollout waits for that
     * before it answers, so the caller's next request reaches the new release. 0 when not kept.
     */
    default long markRouteEpoch() {
        return 0;
    }

    /** The newest route epoch this process's cached view has seen; a router reads it before its snapshot. */
    default long routeEpochSeen() {
        return 0;
    }

    /** A router says it routes by the state up to {@code epoch}; the report goes with the router's session. */
    default void reportRoutesApplied(String routerId, long epoch) {
    }

    /** Each live router's last reported epoch, by router id; empty when no router reports. */
    default java.util.Map<String, Long> routesApplied() {
        return java.util.Map.of();
    }

    /**
     * Registers where this router takes traffic, for as long as its session lives (an edge reads the live routers
     * from here). Called once the router routes by the state, so an edge never sends traffic to an empty table.
     */
    default void registerRouter(RouterEndpoint endpoint) {
    }

    /** The live routers' endpoints, by id; empty when none registered or not kept. */
    default java.util.List<RouterEndpoint> routers() {
        return java.util.List.of();
    }

    // --- notification ---

    /** Runs the listener (on a state thread, must not block) after any change; close to stop. */
    AutoCloseable onChange(Runnable listener);
}
