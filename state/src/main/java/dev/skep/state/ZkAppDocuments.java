package dev.skep.state;

import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * {@link AppDocuments} over ZooKeeper, at {@code /skep/apps/{user}/{app}/documents/{name}}: under the app's own
 * node, so {@code deleteApp} removes them with it. Reads go to ZooKeeper (callers cache what they read often).
 */
public final class ZkAppDocuments implements AppDocuments {

    /** ZooKeeper's default node limit is 1 MB; settings are far smaller. */
    static final int MAX_BYTES = 256 * 1024;
    private static final int MAX_ATTEMPTS = 20;

    private final ZkView view;
    private final CuratorFramework zk;

    public ZkAppDocuments(ZkView view) {
        this.view = view;
        this.zk = view.zk();
    }

    @Override
    public Optional<String> get(AppId app, String name) {
        return view.data(Paths.document(app, AppDocuments.requireName(name)))
                .map(data -> new String(data, StandardCharsets.UTF_8));
    }

    @Override
    public void put(AppId app, String name, String json) {
        byte[] bytes = bytes(app, name, json);
        String path = Paths.document(app, AppDocuments.requireName(name));
        view.requireWritable("store " + name + " of " + app);
        try {
            ensureParent(app);
            zk.create().orSetData().forPath(path, bytes);
        } catch (KeeperException.NoNodeException e) {
            throw SkepException.notFound("no app " + app);
        } catch (SkepException e) {
            throw e;
        } catch (Exception e) {
            throw ZkNodes.failure("write " + name + " of " + app, e);
        }
    }

    /** A compare-and-set loop on the node's version: a writer that lost the race reads again and re-applies. */
    @Override
    public Optional<String> update(AppId app, String name, UnaryOperator<Optional<String>> change) {
        String path = Paths.document(app, AppDocuments.requireName(name));
        view.requireWritable("change " + name + " of " + app);
        try {
            for (int attempt = 1; ; attempt++) {
                Stat stat = new Stat();
                Optional<String> now;
                try {
                    now = Optional.of(new String(zk.getData().storingStatIn(stat).forPath(path), StandardCharsets.UTF_8));
                } catch (KeeperException.NoNodeException absent) {
                    now = Optional.empty();
                }
                Optional<String> next = change.apply(now);
                try {
                    if (next.isEmpty()) {
                        if (now.isPresent()) {
                            zk.delete().withVersion(stat.getVersion()).forPath(path);
                        }
                    } else if (now.isPresent()) {
                        zk.setData().withVersion(stat.getVersion()).forPath(path, bytes(app, name, next.get()));
                    } else {
                        ensureParent(app);
                        zk.create().forPath(path, bytes(app, name, next.get()));
                    }
                    return next;
                } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                         | KeeperException.NoNodeException raced) {
                    if (attempt >= MAX_ATTEMPTS || zk.checkExists().forPath(Paths.app(app)) == null) {
                        throw raced;
                    }
                }
            }
        } catch (KeeperException.NoNodeException e) {
            throw SkepException.notFound("no app " + app);
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
            throw new SkepException(SkepException.Kind.CONFLICT, name + " of " + app + " kept changing under "
                    + MAX_ATTEMPTS + " attempts to update it", "try again");
        } catch (SkepException e) {
            throw e;
        } catch (Exception e) {
            throw ZkNodes.failure("update " + name + " of " + app, e);
        }
    }

    private static byte[] bytes(AppId app, String name, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new SkepException(SkepException.Kind.TOO_LARGE, name + " of " + app + " is larger than "
                    + MAX_BYTES + " bytes", "keep settings small");
        }
        return bytes;
    }

    /** The app must exist; its documents node is made by the first document. */
    private void ensureParent(AppId app) throws Exception {
        if (zk.checkExists().forPath(Paths.app(app)) == null) {
            throw SkepException.notFound("no app " + app);
        }
        try {
            zk.create().forPath(Paths.documents(app));
        } catch (KeeperException.NodeExistsException e) {
            // made by an earlier document
        }
    }

    @Override
    public void delete(AppId app, String name) {
        view.requireWritable("delete " + name + " of " + app);
        try {
            zk.delete().guaranteed().forPath(Paths.document(app, AppDocuments.requireName(name)));
        } catch (KeeperException.NoNodeException e) {
            // already gone
        } catch (Exception e) {
            throw ZkNodes.failure("delete " + name + " of " + app, e);
        }
    }
}
