package dev.skep.state;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.ClusterSnapshot;
import dev.skep.model.ClusterSnapshots;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterSnapshots} from the watch-fed cache of /skep: no round trips, and through a {@link NodeIndex}, no walk
 * over the nodes it does not need.
 */
final class ZkSnapshots implements ClusterSnapshots {

    private static final Logger log = LoggerFactory.getLogger(ZkSnapshots.class);

    private final ParsedNodes parsed;
    private final NodeIndex index;

    ZkSnapshots(ParsedNodes parsed, NodeIndex index) {
        this.parsed = parsed;
        this.index = index;
    }

    @Override
    public ClusterSnapshot snapshot() {
        // apps in the order of their ids: the index keeps them sorted by path, the same order
        return new ClusterSnapshot(read(index.apps(), AppSpec.class), read(index.releases(), Release.class),
                read(index.agents(), AgentInfo.class), read(index.assignments(), Assignment.class),
                read(index.instances(), InstanceStatus.class));
    }

    /** One app's instances as the cache has them (see {@link dev.skep.model.InstanceStatuses#instancesSeen}). */
    List<InstanceStatus> instancesSeen(AppId app) {
        List<InstanceStatus> all = read(index.instancesFrom(Paths.instance(InstanceIds.prefix(app))),
                InstanceStatus.class);
        return all.stream().filter(i -> i.app().equals(app)).toList();
    }

    /** The app as the cache has it (see {@link dev.skep.model.AppCatalog#appSeen}). */
    Optional<AppSpec> appSeen(AppId app) {
        ChildData node = index.app(Paths.app(app));
        return node == null ? Optional.empty() : read(List.of(node), AppSpec.class).stream().findFirst();
    }

    private <T> List<T> read(Collection<ChildData> nodes, Class<T> type) {
        List<T> values = new ArrayList<>(nodes.size());
        for (ChildData node : nodes) {
            byte[] data = node.getData();
            if (data == null || data.length == 0) {
                continue;
            }
            try {
                values.add(parsed.read(node, type));
            } catch (RuntimeException e) {
                log.warn("event=state.unreadable path={} error=\"{}\"", node.getPath(), e.getMessage());
            }
        }
        return values;
    }

    @Override
    public <T> Map<AppId, T> documents(String name, Class<T> type) {
        AppDocuments.requireName(name);
        Map<AppId, T> found = new HashMap<>();
        for (ChildData node : index.documents(name)) {
            String[] parts = node.getPath().split("/"); // "", "skep", "apps", user, app, "documents", name
            byte[] data = node.getData();
            if (data == null || data.length == 0) {
                continue;
            }
            try {
                found.put(new AppId(parts[3], parts[4]), parsed.read(node, type));
            } catch (RuntimeException e) {
                log.warn("event=state.unreadable path={} error=\"{}\"", node.getPath(), e.getMessage());
            }
        }
        return found;
    }
}
