package dev.skep.state;

import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.curator.framework.recipes.cache.ChildData;

/**
 * The cache's nodes of /skep sorted by kind as they change, so a snapshot reads the apps, releases, agents,
 * assignments and instances it needs, a document of one name, or the drained agents, without walking every node of the
 * cache and splitting its path. With 3,000 apps the scheduler and the idle watcher walked ~12,000 nodes several times a pass
 * (a snapshot and three document reads per pass, twice a second for the idle watch): about half of each pass.
 * Fed by the state's one cache listener (see ZkClusterState) from before the cache starts, so it holds the initial
 * load too.
 */
final class NodeIndex {

    /** By path, which sorts as the apps' ids do ("/skep/apps/USER/APP": the same order as "USER/APP"). */
    private final Map<String, ChildData> apps = new ConcurrentSkipListMap<>();
    private final Map<String, ChildData> releases = new ConcurrentHashMap<>();
    private final Map<String, ChildData> agents = new ConcurrentHashMap<>();
    private final Map<String, ChildData> assignments = new ConcurrentHashMap<>();
    /** By path, sorted: an app's instances ("/skep/instances/USER.APP.…") are one range of it. */
    private final NavigableMap<String, ChildData> instances = new ConcurrentSkipListMap<>();
    /** Document name, then the document nodes of that name by path. */
    private final Map<String, Map<String, ChildData>> documents = new ConcurrentHashMap<>();

    NodeIndex() {
    }

    Collection<ChildData> apps() {
        return apps.values();
    }

    Collection<ChildData> releases() {
        return releases.values();
    }

    Collection<ChildData> agents() {
        return agents.values();
    }

    Collection<ChildData> assignments() {
        return assignments.values();
    }

    Collection<ChildData> instances() {
        return instances.values();
    }

    /** The instance nodes whose path starts with {@code pathPrefix}. */
    Collection<ChildData> instancesFrom(String pathPrefix) {
        return instances.subMap(pathPrefix, true, pathPrefix + Character.MAX_VALUE, false).values();
    }

    /** The app node at {@code path}, or null. */
    ChildData app(String path) {
        return apps.get(path);
    }

    /** The nodes /skep/apps/USER/APP/documents/{@code name}. */
    Collection<ChildData> documents(String name) {
        return documents.getOrDefault(name, Map.of()).values();
    }

    void put(ChildData node) {
        Map<String, ChildData> kind = kindOf(node.getPath(), true);
        if (kind != null) {
            kind.put(node.getPath(), node);
        }
    }

    void remove(ChildData node) {
        Map<String, ChildData> kind = kindOf(node.getPath(), false);
        if (kind != null) {
            kind.remove(node.getPath());
        }
    }

    /** The map a node of {@code path} belongs in, or null for the nodes no snapshot reads. */
    private Map<String, ChildData> kindOf(String path, boolean creating) {
        String[] parts = path.split("/"); // "", "skep", kind, ...
        if (parts.length < 4 || !parts[1].equals("skep")) {
            return null;
        }
        return switch (parts[2]) {
            case "apps" -> {
                if (parts.length == 5) {
                    yield apps;
                }
                if (parts.length == 7 && parts[5].equals("releases")) {
                    yield releases;
                }
                if (parts.length == 7 && parts[5].equals("documents")) {
                    yield creating ? documents.computeIfAbsent(parts[6], n -> new ConcurrentHashMap<>())
                            : documents.get(parts[6]);
                }
                yield null;
            }
            case "agents" -> parts.length == 4 ? agents : null;
            case "assignments" -> parts.length == 5 ? assignments : null;
            case "instances" -> parts.length == 4 ? instances : null;
            default -> null;
        };
    }
}
