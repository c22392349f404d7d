package dev.skep.schedule;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the cluster, all the planner looks at.
 *
 * @param agentsGoneSince since when each agent that still has assignments has had no live node
 * @param agentGrace      how long an agent may be gone before its assignments are placed elsewhere
 */
public record ClusterView(List<AppSpec> apps, Map<AppId, Release> wantedReleases, List<AgentInfo> agents,
                          List<Assignment> assignments, Map<String, InstanceStatus> instances,
                          Map<String, java.time.Instant> agentsGoneSince, java.time.Duration agentGrace) {

    public ClusterView {
        agentsGoneSince = Map.copyOf(agentsGoneSince);
    }

    /** A view where no agent has been gone long enough to lose its assignments. */
    public ClusterView(List<AppSpec> apps, Map<AppId, Release> wantedReleases, List<AgentInfo> agents,
                       List<Assignment> assignments, Map<String, InstanceStatus> instances) {
        this(apps, wantedReleases, agents, assignments, instances, Map.of(), java.time.Duration.ZERO);
    }

    /** True when {@code agent} has had no live node for at least the grace period at {@code now}. */
    public boolean lost(String agent, java.time.Instant now) {
        java.time.Instant since = agentsGoneSince.get(agent);
        return since != null && !since.plus(agentGrace).isAfter(now);
    }
}
