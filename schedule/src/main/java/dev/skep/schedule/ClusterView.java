package dev.skep.schedule;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import java.util.List;
import java.util.Map;

/** An immutable snapshot of the cluster, all the planner looks at. */
public record ClusterView(List<AppSpec> apps, Map<AppId, Release> wantedReleases, List<AgentInfo> agents,
                          List<Assignment> assignments, Map<String, InstanceStatus> instances) {
}
