package dev.skep.state;

import dev.skep.model.AppId;
import dev.skep.model.RolloutOwners;
import dev.skep.model.SkepException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollout claims in ZooKeeper: {@code /skep/rollouts/{user}.{app}/claim-N}, ephemeral and sequential (re-created on
 * a new session while the rollout runs), holding the claiming controller's id. They live on the controller's leadership session (a few seconds' timeout), so the claim
 * of a controller killed outright is gone about as soon as its leadership. Sequential: a rollout that replaces
 * another of the same app holds its own claim, and the first one's end does not remove it. The parent is a container
 * node: ZooKeeper deletes it once empty.
 */
public final class ZkRolloutOwners implements RolloutOwners {

    private static final Logger log = LoggerFactory.getLogger(ZkRolloutOwners.class);
    static final String ROLLOUTS = Paths.ROOT + "/rollouts";

    private final CuratorFramework zk;
    private final String controller;

    /** @param zk the claiming controller's (leadership) connection; @param controller its id, for a human reading */
    public ZkRolloutOwners(CuratorFramework zk, String controller) {
        this.zk = zk;
        this.controller = controller;
    }

    private static String dir(AppId app) {
        return ROLLOUTS + "/" + app.user() + "." + app.name();
    }

    @Override
    public AutoCloseable claim(AppId app) {
        // a PersistentNode: a claim lost with a session (a pause, a blip) comes back with the next one, so a live
        // controller keeps its rollout (the leader waits a little before taking an unclaimed rollout for abandoned)
        PersistentNode node = new PersistentNode(zk, CreateMode.EPHEMERAL_SEQUENTIAL, false, dir(app) + "/claim-",
                controller.getBytes(StandardCharsets.UTF_8), true);
        node.start();
        try {
            if (!node.waitForInitialCreate(10, TimeUnit.SECONDS)) {
                closeQuietly(node, app);
                throw new SkepException(SkepException.Kind.UNAVAILABLE, "cannot record that this controller runs the "
                        + "rollout of " + app + ": ZooKeeper did not answer within 10 s",
                        "try again when ZooKeeper is reachable");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(node, app);
            throw new SkepException(SkepException.Kind.UNAVAILABLE, "interrupted while claiming the rollout of " + app,
                    "try again");
        }
        return () -> closeQuietly(node, app);
    }

    private static void closeQuietly(PersistentNode node, AppId app) {
        try {
            node.close();
        } catch (IOException e) {
            log.warn("event=rollout.claim-not-removed app={} error=\"{}\" effect=\"it goes with this controller's "
                    + "session\"", app, e.toString());
        }
    }

    @Override
    public boolean owned(AppId app) {
        try {
            return !zk.getChildren().forPath(dir(app)).isEmpty();
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (Exception e) {
            log.debug("event=rollout.owner-unknown app={} error=\"{}\"", app, e.toString());
            return true; // not known now: nothing is recovered on a guess
        }
    }
}
