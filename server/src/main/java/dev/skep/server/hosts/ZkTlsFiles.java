package dev.skep.server.hosts;

import static dev.skep.hosts.Shell.quote;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.SshHost;
import dev.skep.model.hash.Sha256;
import dev.skep.state.ZkTls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The ZooKeeper TLS files a host's role is given (`skep hosts add --zk-tls-*`): copied to DIR/etc with mode 0600,
 * only when their content changed, and named on the role's command line.
 *
 * @param tls the cluster's ZooKeeper TLS settings, or null when it has none
 */
record ZkTlsFiles(ZkTls tls, Steps steps) {

    private static final Duration SHORT = Duration.ofSeconds(30);

    /** The flags that point the role at its copies under {@code dir}/etc. */
    List<String> roleFlags(String dir) {
        List<String> flags = new ArrayList<>();
        for (TlsFile file : files()) {
            flags.addAll(List.of(file.flag(), dir + "/etc/" + file.name()));
        }
        return flags;
    }

    /** A --zk-tls-* file a role there is given: its flag, its name in DIR/etc, and a local store or a password. */
    private record TlsFile(String flag, String name, Path local, String password) {

        byte[] content() throws IOException {
            return local != null ? Files.readAllBytes(local) : (password + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    private List<TlsFile> files() {
        if (tls == null) {
            return List.of();
        }
        List<TlsFile> files = new ArrayList<>();
        // the name keeps its extension: ZooKeeper tells PEM, PKCS12 and JKS apart by it
        files.add(new TlsFile("--zk-tls-truststore", "zk-tls-truststore" + extension(tls.truststore()),
                tls.truststore(), null));
        if (tls.truststorePassword() != null) {
            files.add(new TlsFile("--zk-tls-truststore-password", "zk-tls-truststore.password", null,
                    tls.truststorePassword()));
        }
        if (tls.keystore() != null) {
            files.add(new TlsFile("--zk-tls-keystore", "zk-tls-keystore" + extension(tls.keystore()),
                    tls.keystore(), null));
        }
        if (tls.keystorePassword() != null) {
            files.add(new TlsFile("--zk-tls-keystore-password", "zk-tls-keystore.password", null,
                    tls.keystorePassword()));
        }
        return files;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot).toLowerCase(Locale.ROOT) : "";
    }

    /**
     * Copies the ZooKeeper TLS stores and password files to DIR/etc with mode 0600 (as the secret; a key store holds
     * the host's private key), and removes those of an earlier add that this one does not give; whether any changed.
     */
    boolean copy(SshHost host, String dir) throws HostFailure, IOException {
        List<TlsFile> files = files();
        if (files.isEmpty()) {
            String stale = host.run("ls " + quote(dir + "/etc") + " | grep '^zk-tls-'", SHORT).out().strip();
            if (!stale.isEmpty()) {
                host.check("removing the ZooKeeper TLS files", "rm -f " + quote(dir + "/etc") + "/zk-tls-*", SHORT);
                return true;
            }
            return false;
        }
        steps.step("ZooKeeper TLS");
        boolean changed = false;
        StringBuilder keep = new StringBuilder();
        for (TlsFile file : files) {
            byte[] content = file.content();
            String remote = dir + "/etc/" + file.name();
            keep.append(' ').append(file.name());
            String digest = HexFormat.of().formatHex(Sha256.newDigest().digest(content));
            String there = host.run("sha256sum " + quote(remote) + " 2>/dev/null", SHORT).out().strip();
            if (there.startsWith(digest + " ")) {
                steps.done(HostInstall.UNCHANGED + remote + " (0600) current");
                continue;
            }
            host.upload(new ByteArrayInputStream(content), remote);
            host.check("locking " + remote, "chmod 600 " + quote(remote), SHORT);
            steps.done(remote + " (0600)" + (file.local() != null ? " from " + file.local() : ""));
            changed = true;
        }
        String gone = host.run("cd " + quote(dir + "/etc") + " && for f in zk-tls-*; do [ -e \"$f\" ] || continue; "
                + "case \"" + keep + " \" in *\" $f \"*) ;; *) rm -f \"$f\"; echo \"$f\" ;; esac; done", SHORT)
                .out().strip();
        return changed || !gone.isEmpty();
    }
}
