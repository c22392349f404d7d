package dev.skep.state;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of this process's ephemeral nodes (agents, instances, routers). Each path is held by a
 * Curator {@link PersistentNode}: it is re-created with its latest data after a new ZooKeeper session
 * (an expiry after a pause, a lost quorum) and after someone deletes it, until {@link #remove} or
 * {@link #close}. A write while ZooKeeper is away is kept and lands when it answers again.
 */
final class EphemeralNodes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EphemeralNodes.class);

    private final CuratorFramework zk;
    private final Runnable changed;
    private final Duration firstCreate;
    private final ConcurrentMap<String, Held> held = new ConcurrentHashMap<>();

    /** One path's node; its monitor orders writes to that path. */
    private static final class Held {
        PersistentNode node;
    }

    /**
     * @param changed     told after each local write, so this process's own readers need not wait for the watch
     * @param firstCreate how long a write of a new path waits for ZooKeeper before it returns (the node still
     *                    comes when ZooKeeper answers)
     */
    EphemeralNodes(CuratorFramework zk, Runnable changed, Duration firstCreate) {
        this.zk = zk;
        this.changed = changed;
        this.firstCreate = firstCreate;
    }

    /** Creates the node, or sets its data; it stays until {@link #remove}, across sessions. */
    void put(String path, byte[] data) {
        Held h = held.computeIfAbsent(path, p -> new Held());
        synchronized (h) {
            if (held.get(path) != h) { // removed meanwhile: start afresh
                put(path, data);
                return;
            }
            if (h.node != null) {
                try {
                    h.node.setData(data); // lands now, or with the node's re-creation after a reconnect
                    changed.run();
                    return;
                } catch (IllegalStateException notCreatedYet) {
                    // ZooKeeper was away when it was first written: start it again with this data
                    closeQuietly(path, h.node);
                    h.node = null;
                } catch (Exception e) {
                    throw ZkNodes.failure("write " + path, e);
                }
            }
            dropForeign(path);
            PersistentNode node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, path, data, true);
            node.start();
            h.node = node;
            try {
                if (!node.waitForInitialCreate(firstCreate.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("event=state.ephemeral-pending path={} waited_ms={} next=\"written when ZooKeeper "
                            + "answers\"", path, firstCreate.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            changed.run();
        }
    }

    /** Deletes the node and stops re-creating it. */
    void remove(String path) {
        Held h = held.remove(path);
        if (h == null) {
            deleteIfPresent(path); // written by an earlier process of ours, or never
            return;
        }
        synchronized (h) {
            if (h.node != null) {
                closeQuietly(path, h.node);
                h.node = null;
            }
        }
        changed.run();
    }

    /** The paths this process holds, for tests and logs. */
    List<String> paths() {
        return List.copyOf(held.keySet());
    }

    /**
     * A node left by a dead session of ours (a previous process, or before an expiry) would stay until
     * ZooKeeper times that session out: replace it at once. When ZooKeeper is away, leave it to the node's
     * re-creation.
     */
    private void dropForeign(String path) {
        try {
            long mine = zk.getZookeeperClient().getZooKeeper().getSessionId();
            Stat stat = zk.checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() != mine) {
                zk.delete().withVersion(stat.getVersion()).forPath(path);
            }
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException raced) {
            // gone or rewritten meanwhile: the node's create settles it
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("event=state.ephemeral-check-skipped path={} error=\"{}\"", path, e.toString());
        }
    }

    private void deleteIfPresent(String path) {
        try {
            zk.delete().guaranteed().forPath(path);
            changed.run();
        } catch (KeeperException.NoNodeException gone) {
            // what we wanted
        } catch (Exception e) {
            throw ZkNodes.failure("delete " + path, e);
        }
    }

    private static void closeQuietly(String path, PersistentNode node) {
        try {
            node.close(); // deletes the node (guaranteed: retried after a reconnect)
        } catch (IOException e) {
            log.warn("event=state.ephemeral-delete-failed path={} error=\"{}\" next=\"ZooKeeper removes it with "
                    + "this session\"", path, e.toString());
        }
    }

    @Override
    public void close() {
        for (var entry : held.entrySet()) {
            synchronized (entry.getValue()) {
                if (entry.getValue().node != null) {
                    closeQuietly(entry.getKey(), entry.getValue().node);
                    entry.getValue().node = null;
                }
            }
        }
        held.clear();
    }
}
