package dev.skep.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything of the cluster at one moment, for the loops that look at all of it (scheduler, routers). A class, not
 * a record: it keeps its releases indexed by app and number as well, a derived field a record cannot hold. The
 * scheduler looks up each app's wanted release on every pass, and a scan of all releases per app made a pass
 * quadratic (with 2,000 apps, 44% of a controller's CPU).
 */
public final class ClusterSnapshot {

    private final List<AppSpec> apps;
    private final List<Release> releases;
    private final List<AgentInfo> agents;
    private final List<Assignment> assignments;
    private final List<InstanceStatus> instances;
    private final Map<AppId, Map<Integer, Release>> releaseIndex = new HashMap<>();

    public ClusterSnapshot(List<AppSpec> apps, List<Release> releases, List<AgentInfo> agents,
                           List<Assignment> assignments, List<InstanceStatus> instances) {
        this.apps = List.copyOf(apps);
        this.releases = List.copyOf(releases);
        this.agents = List.copyOf(agents);
        this.assignments = List.copyOf(assignments);
        this.instances = List.copyOf(instances);
        for (Release r : this.releases) {
            releaseIndex.computeIfAbsent(r.app(), a -> new HashMap<>()).putIfAbsent(r.number(), r);
        }
    }

    public List<AppSpec> apps() {
        return apps;
    }

    public List<Release> releases() {
        return releases;
    }

    public List<AgentInfo> agents() {
        return agents;
    }

    public List<Assignment> assignments() {
        return assignments;
    }

    public List<InstanceStatus> instances() {
        return instances;
    }

    public Optional<Release> release(AppId app, int number) {
        return Optional.ofNullable(releaseIndex.getOrDefault(app, Map.of()).get(number));
    }
}
