package dev.skep.state;

import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.Assignments;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/** {@link AppCatalog} in /skep/apps/{user}/{app}, its releases under .../releases/{number}. */
final class ZkApps implements AppCatalog {

    private final ZkNodes nodes;
    private final Assignments assignments;
    private final Clock clock;

    /** @param assignments where an app's instances are removed when it is deleted */
    ZkApps(ZkNodes nodes, Assignments assignments, Clock clock) {
        this.nodes = nodes;
        this.assignments = assignments;
        this.clock = clock;
    }

    @Override
    public List<AppSpec> apps() {
        List<AppSpec> apps = new ArrayList<>();
        for (AppId id : appIds()) {
            nodes.read(Paths.app(id), AppSpec.class).ifPresent(apps::add);
        }
        apps.sort(Comparator.comparing(a -> a.id().toString()));
        return apps;
    }

    /** Listings of the users' nodes, not a read of every app. */
    @Override
    public Set<AppId> appIds() {
        Set<AppId> ids = new HashSet<>();
        for (String user : nodes.children(Paths.APPS)) {
            for (String name : nodes.children(Paths.user(user))) {
                ids.add(new AppId(user, name));
            }
        }
        return ids;
    }

    /** One listing of the user's node, not a read of every app. */
    @Override
    public int appCount(String user) {
        return nodes.children(Paths.user(user)).size();
    }

    @Override
    public Optional<AppSpec> app(AppId id) {
        return nodes.read(Paths.app(id), AppSpec.class);
    }

    @Override
    public AppSpec createApp(AppId id) {
        AppSpec fresh = AppSpec.create(id, clock.instant());
        nodes.view().requireWritable("create app " + id);
        try {
            nodes.zk().create().creatingParentsIfNeeded().forPath(Paths.app(id), Json.write(fresh));
            nodes.zk().create().forPath(Paths.releases(id));
            nodes.changed();
            return fresh;
        } catch (KeeperException.NodeExistsException e) {
            return app(id).orElseThrow(() -> ZkNodes.conflict("app " + id + " is being created or deleted"));
        } catch (Exception e) {
            throw ZkNodes.failure("create app " + id, e);
        }
    }

    @Override
    public AppSpec updateApp(AppId id, UnaryOperator<AppSpec> change) {
        return update(id, change, false).spec();
    }

    @Override
    public Marked updateAppMarkingRoutes(AppId id, UnaryOperator<AppSpec> change) {
        return update(id, change, true);
    }

    /**
     * Reads the spec, changes it and writes it back conditioned on the version read, again until no one wrote
     * between. With {@code markRoutes}, one multi-op also makes the unconditional write whose new data version is
     * the route epoch (0 in the answer when not marked).
     */
    private Marked update(AppId id, UnaryOperator<AppSpec> change, boolean markRoutes) {
        String path = Paths.app(id);
        nodes.view().requireWritable("change app " + id);
        // the first try starts from the cache's copy, a round trip less on every deploy's candidate and switch: the
        // write is conditioned on the version read, so a stale copy costs a refused write and a read, no more (only
        // an app deleted and made again up to the same version within the cache's lag, milliseconds, would pass)
        boolean fromCache = true;
        while (true) {
            try {
                Stat stat;
                byte[] bytes;
                Optional<ChildData> cached = fromCache ? nodes.view().cached(path) : Optional.empty();
                if (cached.isPresent()) {
                    stat = cached.get().getStat();
                    bytes = cached.get().getData();
                } else {
                    stat = new Stat();
                    bytes = nodes.zk().getData().storingStatIn(stat).forPath(path);
                }
                AppSpec next = change.apply(Json.read(bytes, AppSpec.class));
                long epoch = 0;
                if (markRoutes) {
                    List<CuratorTransactionResult> results = nodes.zk().transaction().forOperations(
                            nodes.zk().transactionOp().setData().withVersion(stat.getVersion()).forPath(path,
                                    Json.write(next)),
                            nodes.zk().transactionOp().setData().forPath(Paths.ROUTE_EPOCH, new byte[0]));
                    epoch = results.get(1).getResultStat().getVersion();
                } else {
                    nodes.zk().setData().withVersion(stat.getVersion()).forPath(path, Json.write(next));
                }
                nodes.changed();
                return new Marked(next, epoch);
            } catch (KeeperException.BadVersionException e) {
                fromCache = false; // someone else changed it between our read and write (or the cache lags): read again
            } catch (KeeperException.NoNodeException e) {
                throw SkepException.notFound("no app " + id);
            } catch (SkepException e) {
                throw e;
            } catch (Exception e) {
                throw ZkNodes.failure("update app " + id, e);
            }
        }
    }

    @Override
    public void deleteApp(AppId id) {
        // the app first: with its assignments gone first, the scheduler saw an app short of instances and placed
        // a new one, which then outlived the delete
        nodes.view().requireWritable("delete app " + id);
        try {
            nodes.zk().delete().deletingChildrenIfNeeded().forPath(Paths.app(id));
        } catch (KeeperException.NoNodeException e) {
            throw SkepException.notFound("no app " + id);
        } catch (Exception e) {
            throw ZkNodes.failure("delete app " + id, e);
        }
        for (Assignment assignment : assignments.assignments()) {
            if (assignment.app().equals(id)) {
                assignments.removeAssignment(assignment.agent(), assignment.instance());
            }
        }
        nodes.changed();
    }

    @Override
    public List<Release> releases(AppId id) {
        List<Release> releases = new ArrayList<>();
        for (String child : nodes.children(Paths.releases(id))) {
            nodes.read(Paths.releases(id) + "/" + child, Release.class).ifPresent(releases::add);
        }
        releases.sort(Comparator.comparingInt(Release::number).reversed());
        return releases;
    }

    @Override
    public Optional<Release> release(AppId id, int number) {
        return nodes.read(Paths.release(id, number), Release.class);
    }

    @Override
    public Release addRelease(AppId id, IntFunction<Release> factory) {
        nodes.view().requireWritable("store a release of " + id);
        while (true) {
            int next = nodes.children(Paths.releases(id)).stream().mapToInt(Integer::parseInt).max().orElse(0) + 1;
            // the app's current release may be newer than any kept on disk after pruning
            next = Math.max(next, app(id).map(a -> a.release() + 1).orElse(1));
            Release release = factory.apply(next);
            try {
                nodes.zk().create().forPath(Paths.release(id, next), Json.write(release));
                nodes.changed();
                return release;
            } catch (KeeperException.NodeExistsException e) {
                // a concurrent deploy took this number: take the next
            } catch (KeeperException.NoNodeException e) {
                throw SkepException.notFound("no app " + id);
            } catch (Exception e) {
                throw ZkNodes.failure("store release of " + id, e);
            }
        }
    }

    @Override
    public Release addReleaseCreatingApp(AppId id, BiFunction<AppSpec, Integer, Release> factory) {
        // the create first, without a read: a deploy calls this for an app it did not find, so it rarely exists
        nodes.view().requireWritable("create app " + id);
        AppSpec fresh = AppSpec.create(id, clock.instant());
        Release first = factory.apply(fresh, 1);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                // the app, its releases' parent and release 1 in one multi-op: one round trip instead of five
                nodes.zk().transaction().forOperations(
                        nodes.zk().transactionOp().create().forPath(Paths.app(id), Json.write(fresh)),
                        nodes.zk().transactionOp().create().forPath(Paths.releases(id)),
                        nodes.zk().transactionOp().create().forPath(Paths.release(id, 1), Json.write(first)));
                nodes.changed();
                return first;
            } catch (KeeperException.NoNodeException e) {
                nodes.ensure(Paths.user(id.user())); // the user's first app: its parent, then again
            } catch (KeeperException.NodeExistsException e) {
                break; // it exists (created meanwhile by another deploy of it): store the next release of that one
            } catch (Exception e) {
                throw ZkNodes.failure("create app " + id, e);
            }
        }
        AppSpec spec = createApp(id);
        return addRelease(id, n -> factory.apply(spec, n));
    }

    @Override
    public void deleteRelease(AppId id, int number) {
        nodes.delete(Paths.release(id, number));
    }
}
