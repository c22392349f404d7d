package dev.skep.state;

import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/** {@link UserStore} at /skep/users/{user}. */
public final class ZkUserStore implements UserStore {

    private final ZkView view;
    private final CuratorFramework zk;

    /** Reads through the state's view: tokens still check out while ZooKeeper is unreachable. */
    public ZkUserStore(ZkView view) {
        this.view = view;
        this.zk = view.zk();
    }

    @Override
    public Optional<UserRecord> user(String name) {
        if (!AppId.isValidName(name)) {
            return Optional.empty();
        }
        return view.data(Paths.userRecord(name)).map(data -> Json.read(data, UserRecord.class));
    }

    @Override
    public List<UserRecord> users() {
        List<UserRecord> users = new ArrayList<>();
        for (String name : view.children(Paths.USERS)) {
            user(name).ifPresent(users::add);
        }
        return users;
    }

    @Override
    public void createUser(UserRecord user) {
        view.requireWritable("create user " + user.name());
        try {
            zk.create().creatingParentsIfNeeded().forPath(Paths.userRecord(user.name()), Json.write(user));
        } catch (KeeperException.NodeExistsException e) {
            throw new SkepException(SkepException.Kind.CONFLICT, "user " + user.name() + " exists", null);
        } catch (Exception e) {
            throw ZkNodes.failure("create user " + user.name(), e);
        }
    }

    @Override
    public UserRecord updateUser(String name, UnaryOperator<UserRecord> change) {
        AppId.requireName("user", name);
        view.requireWritable("change user " + name);
        while (true) {
            try {
                Stat stat = new Stat();
                byte[] bytes = zk.getData().storingStatIn(stat).forPath(Paths.userRecord(name));
                UserRecord next = change.apply(Json.read(bytes, UserRecord.class));
                zk.setData().withVersion(stat.getVersion()).forPath(Paths.userRecord(name), Json.write(next));
                return next;
            } catch (KeeperException.BadVersionException e) {
                // changed under us: read again
            } catch (KeeperException.NoNodeException e) {
                throw SkepException.notFound("no user " + name);
            } catch (Exception e) {
                throw ZkNodes.failure("update user " + name, e);
            }
        }
    }

    @Override
    public void deleteUser(String name) {
        AppId.requireName("user", name);
        view.requireWritable("delete user " + name);
        try {
            zk.delete().forPath(Paths.userRecord(name));
        } catch (KeeperException.NoNodeException e) {
            throw SkepException.notFound("no user " + name);
        } catch (Exception e) {
            throw ZkNodes.failure("delete user " + name, e);
        }
    }
}
