package dev.skep.api;

import dev.skep.model.AgentInfo;
import dev.skep.model.AgentLiveness;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.ClusterSnapshot;
import dev.skep.model.AgentRegistry;
import dev.skep.model.ClusterSnapshots;
import dev.skep.model.SkepException;
import dev.skep.model.view.AgentView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The agents as operators see them: the registered ones and those gone with assignments left, each with its state,
 * instances and what its memory holds. "silent" comes from this controller's heartbeat watch.
 */
public final class AgentViews {

    private final AgentRegistry registry;
    private final ClusterSnapshots snapshots;
    private final AgentLiveness liveness;

    /** @param liveness which agents' heartbeats stopped, and what memory they said free, as this controller sees it */
    public <S extends AgentRegistry & ClusterSnapshots> AgentViews(
            S state, AgentLiveness liveness) {
        this.registry = state;
        this.snapshots = state;
        this.liveness = liveness;
    }

    public List<AgentView> list() {
        ClusterSnapshot now = snapshots.snapshot();
        Set<String> draining = registry.drainingAgents();
        Set<String> quiet = liveness.silent();
        Map<String, Long> beatFree = liveness.memoryFree();
        Map<String, Long> placed = now.assignments().stream()
                .collect(Collectors.groupingBy(Assignment::agent, Collectors.counting()));
        Map<String, AgentView> views = new TreeMap<>();
        for (AgentInfo a : now.agents()) {
            int count = placed.getOrDefault(a.id(), 0L).intValue();
            long free = beatFree.getOrDefault(a.id(), a.memoryFree());
            long used = a.memoryBytes() <= 0 || free <= 0 ? 0 : Math.max(0, a.memoryBytes() - free);
            String st = quiet.contains(a.id()) ? "silent" : draining.contains(a.id()) ? "draining" : "ready";
            views.put(a.id(), new AgentView(a.id(), a.host(), st, count, a.memoryBytes(), used,
                    Math.max(0, free), a.instanceMemory(), a.cpus(),
                    a.labels(), a.version(), a.started(), pinned(now.apps(), a.id())));
        }
        placed.forEach((agent, count) -> views.computeIfAbsent(agent, id -> new AgentView(id, null, "lost",
                count.intValue(), 0, 0, 0, 0, 0, Map.of(), null, null, pinned(now.apps(), id))));
        draining.forEach(id -> views.computeIfAbsent(id, gone -> new AgentView(gone, null, "lost", 0, 0, 0, 0, 0, 0,
                Map.of(), null, null, pinned(now.apps(), gone))));
        return new ArrayList<>(views.values());
    }

    /** One agent; NOT_FOUND when it is neither registered nor has anything assigned. */
    public AgentView get(String id) {
        return list().stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow(() -> SkepException.notFound(
                "no agent " + id + " (not registered, nothing assigned to it)"));
    }

    /** The apps whose volumes are on {@code agent}: they run only there (sorted). */
    static List<String> pinned(List<AppSpec> apps, String agent) {
        return apps.stream().filter(a -> agent.equals(a.volumeAgent())).map(a -> a.id().toString())
                .sorted(Comparator.naturalOrder()).toList();
    }
}
