package dev.skep.schedule;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable snapshot of the cluster, all the planner looks at.
 *
 * @param agentsGoneSince since when each agent that still has assignments has had no live node
 * @param agentGrace      how long an agent may be gone before its assignments are placed elsewhere
 * @param draining        agents that get no new work and whose instances move elsewhere ({@code skep agents drain})
 * @param constraints     per app, the labels an agent must carry to run it (absent: any agent)
 */
public record ClusterView(List<AppSpec> apps, Map<AppId, Release> wantedReleases, List<AgentInfo> agents,
                          List<Assignment> assignments, Map<String, InstanceStatus> instances,
                          Map<String, Instant> agentsGoneSince, Duration agentGrace,
                          Set<String> draining, Map<AppId, Map<String, String>> constraints) {

    public ClusterView {
        agentsGoneSince = Map.copyOf(agentsGoneSince);
        draining = draining == null ? Set.of() : Set.copyOf(draining);
        constraints = constraints == null ? Map.of() : Map.copyOf(constraints);
    }

    public ClusterView(List<AppSpec> apps, Map<AppId, Release> wantedReleases, List<AgentInfo> agents,
                       List<Assignment> assignments, Map<String, InstanceStatus> instances,
                       Map<String, Instant> agentsGoneSince, Duration agentGrace) {
        this(apps, wantedReleases, agents, assignments, instances, agentsGoneSince, agentGrace, Set.of(), Map.of());
    }

    /** A view where no agent has been gone long enough to lose its assignments. */
    public ClusterView(List<AppSpec> apps, Map<AppId, Release> wantedReleases, List<AgentInfo> agents,
                       List<Assignment> assignments, Map<String, InstanceStatus> instances) {
        this(apps, wantedReleases, agents, assignments, instances, Map.of(), Duration.ZERO);
    }

    /** True when {@code agent} has had no live node for at least the grace period at {@code now}. */
    public boolean lost(String agent, Instant now) {
        Instant since = agentsGoneSince.get(agent);
        return since != null && !since.plus(agentGrace).isAfter(now);
    }

    /** This view with agents draining and apps' constraints. */
    public ClusterView withPlacement(Set<String> drainingAgents, Map<AppId, Map<String, String>> appConstraints) {
        return new ClusterView(apps, wantedReleases, agents, assignments, instances, agentsGoneSince, agentGrace,
                drainingAgents, appConstraints);
    }
}
