package dev.skep.model;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything of the cluster at one moment, for the loops that look at all of it (scheduler, routers).
 *
 * @param releaseIndex the releases by app and number, derived from {@code releases}: the scheduler looks up each
 *                     app's wanted release on every pass, and a scan of all releases per app made a pass quadratic
 *                     (with 2,000 apps, 44% of a controller's CPU)
 */
public record ClusterSnapshot(List<AppSpec> apps, List<Release> releases, List<AgentInfo> agents,
                              List<Assignment> assignments, List<InstanceStatus> instances,
                              Map<AppId, Map<Integer, Release>> releaseIndex) {

    public ClusterSnapshot {
        apps = List.copyOf(apps);
        releases = List.copyOf(releases);
        agents = List.copyOf(agents);
        assignments = List.copyOf(assignments);
        instances = List.copyOf(instances);
        Map<AppId, Map<Integer, Release>> index = new HashMap<>();
        for (Release r : releases) {
            index.computeIfAbsent(r.app(), a -> new HashMap<>()).putIfAbsent(r.number(), r);
        }
        releaseIndex = Collections.unmodifiableMap(index);
    }

    public ClusterSnapshot(List<AppSpec> apps, List<Release> releases, List<AgentInfo> agents,
                           List<Assignment> assignments, List<InstanceStatus> instances) {
        this(apps, releases, agents, assignments, instances, Map.of());
    }

    public Optional<Release> release(AppId app, int number) {
        return Optional.ofNullable(releaseIndex.getOrDefault(app, Map.of()).get(number));
    }
}
