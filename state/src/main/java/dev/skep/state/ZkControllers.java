package dev.skep.state;

import dev.skep.model.AppId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Where agents find a controller and what they show it: {@code /skep/controllers/{member}}
 * (ephemeral, the API's base URL, re-created after a session loss) and {@code /skep/cluster-token}
 * (made once by the first controller). Whoever may read the state is a member of the cluster, so the
 * token lives there in plain text, like the rest of the cluster's configuration.
 */
public final class ZkControllers {

    static final String CONTROLLERS = Paths.ROOT + "/controllers";
    static final String CLUSTER_TOKEN = Paths.ROOT + "/cluster-token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CuratorFramework zk;

    public ZkControllers(CuratorFramework zk) {
        this.zk = zk;
    }

    /** Announces this controller's API until the returned handle is closed. */
    public AutoCloseable register(String memberId, String apiUrl) throws InterruptedException {
        AppId.requireName("controller", memberId);
        PersistentNode node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, CONTROLLERS + "/" + memberId,
                apiUrl.getBytes(StandardCharsets.UTF_8));
        node.start();
        node.waitForInitialCreate(10, TimeUnit.SECONDS);
        return node;
    }

    /** The API base URLs of the live controllers, e.g. "http://10.0.0.5:9002". */
    public List<String> urls() {
        List<String> urls = new ArrayList<>();
        try {
            for (String member : zk.getChildren().forPath(CONTROLLERS)) {
                try {
                    urls.add(new String(zk.getData().forPath(CONTROLLERS + "/" + member), StandardCharsets.UTF_8));
                } catch (KeeperException.NoNodeException gone) {
                    // that controller just left
                }
            }
        } catch (KeeperException.NoNodeException e) {
            return urls;
        } catch (Exception e) {
            throw ZkNodes.failure("list controllers", e);
        }
        return urls;
    }

    /** The token agents fetch slugs with; made on first call (by the first controller). */
    public String clusterToken() {
        try {
            try {
                return new String(zk.getData().forPath(CLUSTER_TOKEN), StandardCharsets.UTF_8);
            } catch (KeeperException.NoNodeException absent) {
                byte[] bytes = new byte[32];
                RANDOM.nextBytes(bytes);
                String token = "skc_" + HexFormat.of().formatHex(bytes);
                try {
                    zk.create().creatingParentsIfNeeded().forPath(CLUSTER_TOKEN, token.getBytes(StandardCharsets.UTF_8));
                    return token;
                } catch (KeeperException.NodeExistsException raced) {
                    return new String(zk.getData().forPath(CLUSTER_TOKEN), StandardCharsets.UTF_8);
                }
            }
        } catch (Exception e) {
            throw ZkNodes.failure("read the cluster token", e);
        }
    }
}
