package dev.skep.state;

import dev.skep.model.InstanceIds;
import dev.skep.model.SkepException;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * The plumbing the pieces of {@link ZkClusterState} share: reads through the {@link ZkView}, deletes and creates
 * on the connection, and the nudge that tells listeners this process wrote something.
 */
final class ZkNodes {

    private final CuratorFramework zk;
    private final ZkView view;
    private final Runnable changed;

    ZkNodes(CuratorFramework zk, ZkView view, Runnable changed) {
        this.zk = zk;
        this.view = view;
        this.changed = changed;
    }

    CuratorFramework zk() {
        return zk;
    }

    ZkView view() {
        return view;
    }

    /** This process wrote: listeners run without waiting for the watch's round trip. */
    void changed() {
        changed.run();
    }

    List<String> children(String path) {
        return view.children(path);
    }

    <T> Optional<T> read(String path, Class<T> type) {
        return view.data(path).filter(data -> data.length > 0).map(data -> Json.read(data, type));
    }

    void delete(String path) {
        view.requireWritable("delete " + path);
        try {
            zk.delete().guaranteed().deletingChildrenIfNeeded().forPath(path);
            changed();
        } catch (KeeperException.NoNodeException e) {
            // already gone: that is what we wanted
        } catch (Exception e) {
            throw failure("delete " + path, e);
        }
    }

    void ensure(String... paths) {
        for (String path : paths) {
            try {
                zk.create().creatingParentsIfNeeded().forPath(path);
            } catch (KeeperException.NodeExistsException e) {
                // fine
            } catch (Exception e) {
                throw failure("create " + path, e);
            }
        }
    }

    static void requireInstance(String instance) {
        if (!InstanceIds.isValid(instance)) {
            throw SkepException.badRequest("invalid instance id '" + instance + "'", null);
        }
    }

    static SkepException conflict(String message) {
        return new SkepException(SkepException.Kind.CONFLICT, message, "try again");
    }

    /** What every piece of the state store throws when ZooKeeper fails it: UNAVAILABLE, saying what failed. */
    static SkepException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new SkepException(SkepException.Kind.UNAVAILABLE, "state store: cannot " + what + ": " + e,
                "check that ZooKeeper is reachable; skep retries on its own", e);
    }
}
