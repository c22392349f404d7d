package dev.skep.supervise;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.ClusterState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import dev.skep.model.SkepException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/** A test fake of the cluster state; listeners run on one state thread, like the ZooKeeper cache's. */
final class InMemoryClusterState implements ClusterState, AutoCloseable {

    private final Map<AppId, AppSpec> apps = new ConcurrentHashMap<>();
    private final Map<AppId, List<Release>> releases = new ConcurrentHashMap<>();
    private final Map<String, AgentInfo> agents = new ConcurrentHashMap<>();
    private final Map<String, Assignment> assignments = new ConcurrentHashMap<>();
    private final Map<String, InstanceStatus> instances = new ConcurrentHashMap<>();
    /** Every status ever written, in order: tests look at transitions. */
    final List<InstanceStatus> history = new CopyOnWriteArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor();

    @Override
    public List<AppSpec> apps() {
        return List.copyOf(apps.values());
    }

    @Override
    public Optional<AppSpec> app(AppId id) {
        return Optional.ofNullable(apps.get(id));
    }

    @Override
    public AppSpec createApp(AppId id) {
        AppSpec spec = apps.computeIfAbsent(id, i -> AppSpec.create(i, Instant.now()));
        changed();
        return spec;
    }

    @Override
    public AppSpec updateApp(AppId id, UnaryOperator<AppSpec> change) {
        AppSpec spec = apps.computeIfPresent(id, (i, old) -> change.apply(old));
        if (spec == null) {
            throw SkepException.notFound("no app " + id);
        }
        changed();
        return spec;
    }

    @Override
    public void deleteApp(AppId id) {
        apps.remove(id);
        releases.remove(id);
        assignments.values().removeIf(a -> a.app().equals(id));
        changed();
    }

    @Override
    public List<Release> releases(AppId id) {
        List<Release> out = new ArrayList<>(releases.getOrDefault(id, List.of()));
        out.sort(Comparator.comparingInt(Release::number).reversed());
        return out;
    }

    @Override
    public Optional<Release> release(AppId id, int number) {
        return releases(id).stream().filter(r -> r.number() == number).findFirst();
    }

    @Override
    public synchronized Release addRelease(AppId id, IntFunction<Release> factory) {
        List<Release> list = releases.computeIfAbsent(id, i -> new CopyOnWriteArrayList<>());
        Release release = factory.apply(list.size() + 1);
        list.add(release);
        changed();
        return release;
    }

    @Override
    public void deleteRelease(AppId id, int number) {
        releases.getOrDefault(id, List.of()).removeIf(r -> r.number() == number);
        changed();
    }

    @Override
    public void registerAgent(AgentInfo agent) {
        agents.put(agent.id(), agent);
        changed();
    }

    @Override
    public List<AgentInfo> agents() {
        return List.copyOf(agents.values());
    }

    @Override
    public List<Assignment> assignments() {
        return List.copyOf(assignments.values());
    }

    @Override
    public List<Assignment> assignments(String agentId) {
        return assignments.values().stream().filter(a -> a.agent().equals(agentId)).toList();
    }

    @Override
    public void putAssignment(Assignment assignment) {
        assignments.put(assignment.instance(), assignment);
        changed();
    }

    @Override
    public void removeAssignment(String agentId, String instance) {
        assignments.remove(instance);
        changed();
    }

    @Override
    public List<InstanceStatus> instances() {
        return List.copyOf(instances.values());
    }

    public Optional<InstanceStatus> instance(String id) {
        return Optional.ofNullable(instances.get(id));
    }

    @Override
    public void putInstance(InstanceStatus status) {
        instances.put(status.instance(), status);
        history.add(status);
        changed();
    }

    @Override
    public void removeInstance(String instance) {
        instances.remove(instance);
        changed();
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void changed() {
        if (!notifier.isShutdown()) {
            notifier.execute(() -> listeners.forEach(Runnable::run));
        }
    }

    @Override
    public void close() {
        notifier.shutdownNow();
    }
}
