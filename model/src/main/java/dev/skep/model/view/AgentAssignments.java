package dev.skep.model.view;

import java.util.List;

/**
 * What an agent cut off from ZooKeeper asks a controller: which instances are assigned to it now. Any it runs that
 * are not listed were moved elsewhere meanwhile, and it stops them.
 *
 * @param agent     the agent's id
 * @param instances the instance ids assigned to it, as the state (ZooKeeper) has them now
 */
public record AgentAssignments(String agent, List<String> instances) {

    public AgentAssignments {
        instances = List.copyOf(instances);
    }
}
