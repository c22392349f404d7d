package dev.skep.state;

import dev.skep.model.SkepException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How skep reads and guards its state: ZooKeeper itself while connected (a write is then seen by the next
 * read), the watch-fed cache of /skep while not. Static stability: with ZooKeeper unreachable or without
 * quorum, reads answer the last known state at once and writes are refused at once with a clear 503, rather
 * than every call waiting out Curator's retries.
 */
public final class ZkView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZkView.class);

    private final CuratorFramework zk;
    private final CuratorCache cache;
    private volatile boolean connected;
    /** Why ZooKeeper is down, when this process knows (its embedded server's failure); else empty. */
    private final Supplier<Optional<String>> whyDown;

    ZkView(CuratorFramework zk, Supplier<Optional<String>> whyDown) {
        this.zk = zk;
        this.whyDown = whyDown;
        this.cache = CuratorCache.build(zk, Paths.ROOT);
        this.connected = zk.getZookeeperClient().isConnected();
        zk.getConnectionStateListenable().addListener((client, state) -> {
            boolean now = state.isConnected();
            if (now != connected) {
                connected = now;
                log.info("event=state.{} zookeeper_state={}", now ? "connected" : "cut-off", state);
            }
        });
    }

    CuratorFramework zk() {
        return zk;
    }

    CuratorCache cache() {
        return cache;
    }

    /** False while ZooKeeper is unreachable (or has lost quorum): reads come from the cache. */
    public boolean connected() {
        return connected;
    }

    /** The names of {@code path}'s children; none when it does not exist. */
    List<String> children(String path) {
        if (connected) {
            try {
                return zk.getChildren().forPath(path);
            } catch (KeeperException.NoNodeException e) {
                return List.of();
            } catch (Exception e) {
                if (connected) {
                    throw ZkNodes.failure("list " + path, e);
                }
            }
        }
        String prefix = path + "/";
        return cache.stream().map(ChildData::getPath)
                .filter(p -> p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0)
                .map(p -> p.substring(prefix.length())).toList();
    }

    /** The node's data; empty when it does not exist. */
    Optional<byte[]> data(String path) {
        if (connected) {
            try {
                return Optional.of(zk.getData().forPath(path));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            } catch (Exception e) {
                if (connected) {
                    throw ZkNodes.failure("read " + path, e);
                }
            }
        }
        return cache.get(path).map(ChildData::getData);
    }

    /**
     * The node as the watch-fed cache has it (data and stat), maybe a little behind ZooKeeper: for a conditional
     * write that may start from it, the version check catching a stale copy.
     */
    Optional<ChildData> cached(String path) {
        return cache.get(path).filter(node -> node.getStat() != null && node.getData() != null);
    }

    /** Refuses a change at once while cut off: it could not be stored, and waiting on retries helps nobody. */
    void requireWritable(String what) {
        if (!connected) {
            Optional<String> why = whyDown.get();
            throw new SkepException(SkepException.Kind.UNAVAILABLE, "cannot " + what
                    + ": the cluster state (ZooKeeper) is " + (why.isPresent() ? "down" : "unreachable")
                    + ", so skep accepts no changes until it is back; apps keep running and reads show the last "
                    + "known state", why.map(w -> w + "; then try again")
                    .orElse("try again when ZooKeeper is reachable (skep reconnects on its own)"));
        }
    }

    void start() {
        cache.start();
    }

    @Override
    public void close() {
        cache.close();
    }
}
