package dev.skep.state;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.ClusterSnapshot;
import dev.skep.model.ClusterSnapshots;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ClusterSnapshots} from the watch-fed cache of /skep: no round trips. */
final class ZkSnapshots implements ClusterSnapshots {

    private static final Logger log = LoggerFactory.getLogger(ZkClusterState.class);

    private final CuratorCache cache;
    private final ParsedNodes parsed;

    ZkSnapshots(CuratorCache cache) {
        this.cache = cache;
        this.parsed = new ParsedNodes(cache);
    }

    @Override
    public ClusterSnapshot snapshot() {
        List<AppSpec> apps = new ArrayList<>();
        List<Release> releases = new ArrayList<>();
        List<AgentInfo> agents = new ArrayList<>();
        List<Assignment> assignments = new ArrayList<>();
        List<InstanceStatus> instances = new ArrayList<>();
        cache.stream().forEach(node -> {
            byte[] data = node.getData();
            if (data == null || data.length == 0) {
                return;
            }
            String[] parts = node.getPath().split("/"); // "", "skep", kind, ...
            try {
                switch (parts.length > 2 ? parts[2] : "") {
                    case "apps" -> {
                        if (parts.length == 5) {
                            apps.add(parsed.read(node, AppSpec.class));
                        } else if (parts.length == 7 && parts[5].equals("releases")) {
                            releases.add(parsed.read(node, Release.class));
                        }
                    }
                    case "agents" -> {
                        if (parts.length == 4) {
                            agents.add(parsed.read(node, AgentInfo.class));
                        }
                    }
                    case "assignments" -> {
                        if (parts.length == 5) {
                            assignments.add(parsed.read(node, Assignment.class));
                        }
                    }
                    case "instances" -> {
                        if (parts.length == 4) {
                            instances.add(parsed.read(node, InstanceStatus.class));
                        }
                    }
                    default -> { }
                }
            } catch (RuntimeException e) {
                log.warn("event=state.unreadable path={} error=\"{}\"", node.getPath(), e.getMessage());
            }
        });
        apps.sort(Comparator.comparing(a -> a.id().toString()));
        return new ClusterSnapshot(apps, releases, agents, assignments, instances);
    }

    @Override
    public <T> Map<AppId, T> documents(String name, Class<T> type) {
        AppDocuments.requireName(name);
        Map<AppId, T> found = new HashMap<>();
        String suffix = "/documents/" + name;
        cache.stream().forEach(node -> {
            if (!node.getPath().endsWith(suffix)) {
                return; // most nodes: decided without splitting the path (this runs for every node, several times a pass)
            }
            String[] parts = node.getPath().split("/"); // "", "skep", "apps", user, app, "documents", name
            byte[] data = node.getData();
            if (parts.length != 7 || !parts[2].equals("apps") || !parts[5].equals("documents")
                    || !parts[6].equals(name) || data == null || data.length == 0) {
                return;
            }
            try {
                found.put(new AppId(parts[3], parts[4]), parsed.read(node, type));
            } catch (RuntimeException e) {
                log.warn("event=state.unreadable path={} error=\"{}\"", node.getPath(), e.getMessage());
            }
        });
        return found;
    }
}
