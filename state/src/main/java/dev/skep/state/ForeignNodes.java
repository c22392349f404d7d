package dev.skep.state;

import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what is not skep's from an embedded ZooKeeper, which is skep's alone: nodes an older skep let
 * any local process write (at the root, under /zookeeper). Left there, they are loaded into skep's heap on
 * every start. Never used on an ensemble, whose other tenants are not skep's business.
 */
final class ForeignNodes {

    private static final Logger log = LoggerFactory.getLogger(ForeignNodes.class);
    /** ZooKeeper's own nodes; everything else at these levels is junk. */
    private static final Set<String> ROOT_KEPT = Set.of("skep", "skep-heartbeats", "zookeeper");
    private static final Set<String> ZOOKEEPER_KEPT = Set.of("quota", "config");

    private ForeignNodes() {
    }

    /** @return how many subtrees were removed */
    static int removeAll(CuratorFramework zk) throws Exception {
        int removed = 0;
        removed += removeChildren(zk, "/", ROOT_KEPT);
        removed += removeChildren(zk, "/zookeeper", ZOOKEEPER_KEPT);
        removed += removeChildren(zk, "/zookeeper/quota", Set.of()); // skep sets no quotas
        if (removed > 0) {
            log.warn("event=zookeeper.junk-removed subtrees={} why=\"written by other processes before skep locked "
                    + "its ZooKeeper\"", removed);
        }
        return removed;
    }

    private static int removeChildren(CuratorFramework zk, String parent, Set<String> kept) throws Exception {
        List<String> children;
        try {
            children = zk.getChildren().forPath(parent);
        } catch (KeeperException.NoNodeException absent) {
            return 0;
        }
        int removed = 0;
        for (String child : children) {
            if (kept.contains(child)) {
                continue;
            }
            String path = (parent.equals("/") ? "" : parent) + "/" + child;
            try {
                zk.delete().deletingChildrenIfNeeded().forPath(path);
                removed++;
            } catch (KeeperException.NoAuthException locked) {
                log.error("event=zookeeper.junk-locked path={} why=\"its ACL shuts skep out\" fix=\"delete it with "
                        + "ZooKeeper's super user, or move the data dir's zk/ aside and start afresh\"", path);
            } catch (KeeperException.NoNodeException gone) {
                // went meanwhile
            }
        }
        return removed;
    }
}
