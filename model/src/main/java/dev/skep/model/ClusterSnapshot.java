package dev.skep.model;

import java.util.List;
import java.util.Optional;

/** Everything of the cluster at one moment, for the loops that look at all of it (scheduler, routers). */
public record ClusterSnapshot(List<AppSpec> apps, List<Release> releases, List<AgentInfo> agents,
                              List<Assignment> assignments, List<InstanceStatus> instances) {

    public ClusterSnapshot {
        apps = List.copyOf(apps);
        releases = List.copyOf(releases);
        agents = List.copyOf(agents);
        assignments = List.copyOf(assignments);
        instances = List.copyOf(instances);
    }

    public Optional<Release> release(AppId app, int number) {
        return releases.stream().filter(r -> r.app().equals(app) && r.number() == number).findFirst();
    }
}
