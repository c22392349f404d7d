package dev.skep.state;

import dev.skep.model.fs.PrivateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps skep's ZooKeeper state to skep: every node under /skep carries a digest ACL for the user
 * "skep" whose secret lives in {@code <data-dir>/zk.secret} (mode 0600), so a local process that
 * connects to ZooKeeper's port (an app, say) can neither read nor change it. On an ensemble, every
 * skep host is given the same secret file ({@code --zk-secret}).
 */
public final class ZkAcl {

    private static final Logger log = LoggerFactory.getLogger(ZkAcl.class);
    public static final String FILE = "zk.secret";
    static final String USER = "skep";

    private final String secret;
    private final List<ACL> acl;

    private ZkAcl(String secret) {
        this.secret = secret;
        try {
            String digest = DigestAuthenticationProvider.generateDigest(USER + ":" + secret);
            // ZooKeeper asks acl.contains(null), which an immutable List refuses: a plain list it is
            this.acl = Collections.unmodifiableList(new ArrayList<>(
                    List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1, which ZooKeeper's digest auth needs", e);
        }
    }

    /** Reads {@code <dataDir>/zk.secret}, making it (0600, 256 random bits) the first time. */
    public static ZkAcl inDataDir(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            PrivateFile.write(file, HexFormat.of().formatHex(bytes) + "\n");
            log.info("event=zk.secret-created file={}", file);
        }
        return new ZkAcl(secretIn(file, "delete it only together with the state"));
    }

    /**
     * Reads the secret an ensemble's skep hosts share ({@code --zk-secret FILE}): the file must exist, be
     * readable by its owner alone, and hold at least 32 characters.
     */
    public static ZkAcl fromFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no ZooKeeper secret at " + file + "; make one on the first host with "
                    + "`openssl rand -hex 32 > " + file + " && chmod 600 " + file + "` and copy it to every skep host");
        }
        var mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IllegalStateException(file + " may be read by others (mode "
                    + PosixFilePermissions.toString(mode) + "); chmod 600 " + file);
        }
        return new ZkAcl(secretIn(file, "put at least 32 random characters in it (openssl rand -hex 32)"));
    }

    private static String secretIn(Path file, String fix) throws IOException {
        String secret = Files.readString(file).trim();
        if (secret.length() < 32) {
            throw new IllegalStateException(file + " holds no usable secret (fewer than 32 characters); " + fix);
        }
        return secret;
    }

    /** What the client authenticates with: scheme digest, "skep:SECRET". */
    byte[] auth() {
        return (USER + ":" + secret).getBytes(StandardCharsets.UTF_8);
    }

    /** Every node this client creates gets skep's ACL. */
    ACLProvider provider() {
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acl;
            }
        };
    }

    /**
     * Puts skep's ACL on /skep and every node below that lacks it (state written before ACLs, or
     * by an older skep). With {@code lockRoot} (an embedded ZooKeeper, ours alone), the root and
     * /zookeeper may then only be read by others, not written, and what others wrote there before is removed.
     *
     * @return how many foreign subtrees were removed (0 without {@code lockRoot})
     */
    public int secure(CuratorFramework zk, boolean lockRoot) throws Exception {
        if (zk.checkExists().forPath(Paths.ROOT) == null) {
            try {
                zk.create().forPath(Paths.ROOT);
            } catch (KeeperException.NodeExistsException raced) {
                // another skep made it meanwhile
            }
        }
        int changed = secureTree(zk, Paths.ROOT);
        if (lockRoot) {
            List<ACL> root = new ArrayList<>(acl);
            root.add(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
            // ZooKeeper's own subtree is world-writable by default: nobody but skep may add to it either
            for (String path : List.of("/", "/zookeeper", "/zookeeper/quota")) {
                if (zk.checkExists().forPath(path) != null) {
                    zk.setACL().withACL(root).forPath(path);
                }
            }
        }
        log.info("event=zk.acl-checked nodes_secured={} root_locked={}", changed, lockRoot);
        return lockRoot ? ForeignNodes.removeAll(zk) : 0;
    }

    private int secureTree(CuratorFramework zk, String path) throws Exception {
        int changed = 0;
        try {
            if (!zk.getACL().forPath(path).equals(acl)) {
                zk.setACL().withACL(acl).forPath(path);
                changed++;
            }
            for (String child : zk.getChildren().forPath(path)) {
                changed += secureTree(zk, (path.equals("/") ? "" : path) + "/" + child);
            }
        } catch (KeeperException.NoNodeException gone) {
            // an ephemeral node that went away meanwhile
        }
        return changed;
    }
}
