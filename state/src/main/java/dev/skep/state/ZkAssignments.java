package dev.skep.state;

import dev.skep.model.AppId;
import dev.skep.model.Assignment;
import dev.skep.model.Assignments;
import dev.skep.model.InstanceIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link Assignments} in /skep/assignments/{agent}/{instance}, written by the scheduler. */
final class ZkAssignments implements Assignments {

    private final ZkNodes nodes;

    ZkAssignments(ZkNodes nodes) {
        this.nodes = nodes;
    }

    @Override
    public List<Assignment> assignments() {
        List<Assignment> all = new ArrayList<>();
        for (String agent : nodes.children(Paths.ASSIGNMENTS)) {
            all.addAll(assignments(agent));
        }
        return all;
    }

    @Override
    public List<Assignment> assignments(String agentId) {
        List<Assignment> list = new ArrayList<>();
        for (String instance : nodes.children(Paths.assignments(agentId))) {
            nodes.read(Paths.assignment(agentId, instance), Assignment.class).ifPresent(list::add);
        }
        return list;
    }

    @Override
    public List<String> assignedInstances(String agentId) {
        return nodes.children(Paths.assignments(agentId));
    }

    @Override
    public Optional<Assignment> assignment(String agentId, String instance) {
        if (!InstanceIds.isValid(instance)) {
            return Optional.empty(); // no such assignment can exist; a stray node must not stop a reconcile
        }
        return nodes.read(Paths.assignment(agentId, instance), Assignment.class);
    }

    @Override
    public void putAssignment(Assignment assignment) {
        AppId.requireName("agent", assignment.agent());
        ZkNodes.requireInstance(assignment.instance());
        String path = Paths.assignment(assignment.agent(), assignment.instance());
        nodes.view().requireWritable("assign " + assignment.instance());
        try {
            nodes.zk().create().orSetData().creatingParentsIfNeeded().forPath(path, Json.write(assignment));
            nodes.changed();
        } catch (Exception e) {
            throw ZkNodes.failure("assign " + assignment.instance(), e);
        }
    }

    @Override
    public void removeAssignment(String agentId, String instance) {
        ZkNodes.requireInstance(instance);
        nodes.delete(Paths.assignment(agentId, instance));
    }
}
