package dev.skep.state;

import dev.skep.model.AppId;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceStatus;
import dev.skep.model.InstanceStatuses;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** {@link InstanceStatuses} in /skep/instances/{instance}: ephemeral nodes of the agent that runs each. */
final class ZkInstances implements InstanceStatuses {

    private final ZkNodes nodes;
    private final EphemeralNodes ephemerals;

    ZkInstances(ZkNodes nodes, EphemeralNodes ephemerals) {
        this.nodes = nodes;
        this.ephemerals = ephemerals;
    }

    @Override
    public List<InstanceStatus> instances() {
        return instancesNamed(id -> true);
    }

    @Override
    public List<InstanceStatus> instances(AppId app) {
        String prefix = InstanceIds.prefix(app); // the id names the app: no read of other apps' nodes
        return instancesNamed(id -> id.startsWith(prefix)).stream().filter(i -> i.app().equals(app)).toList();
    }

    private List<InstanceStatus> instancesNamed(Predicate<String> wanted) {
        List<InstanceStatus> list = new ArrayList<>();
        for (String id : nodes.children(Paths.INSTANCES)) {
            if (wanted.test(id)) {
                nodes.read(Paths.instance(id), InstanceStatus.class).ifPresent(list::add);
            }
        }
        return list;
    }

    @Override
    public void putInstance(InstanceStatus status) {
        ZkNodes.requireInstance(status.instance());
        ephemerals.put(Paths.instance(status.instance()), Json.write(status));
    }

    @Override
    public void removeInstance(String instance) {
        ZkNodes.requireInstance(instance);
        ephemerals.remove(Paths.instance(instance));
    }
}
