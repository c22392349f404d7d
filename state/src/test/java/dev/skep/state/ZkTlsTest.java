package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper over TLS (issue 15): the embedded server's secure client port, a role connecting to it with a
 * trust store (per connection, while the server in the same JVM holds its own settings), and a trust store
 * of another CA refused with a message that says what failed and what to do.
 */
class ZkTlsTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRoleReadsAndWritesTheStateOverTheSecurePort() throws Exception {
        Path keystore = selfSigned("zk", "CN=localhost");
        server = EmbeddedZooKeeper.start(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0), false, true,
                new ZkSecurePort(new InetSocketAddress("127.0.0.1", 0), keystore, "changeit"));
        ZkAcl acl = ZkAcl.inDataDir(dir);
        ZkTls tls = new ZkTls(trustOf("zk", keystore), "changeit", null, null);

        try (StateConnection role = StateConnection.open(server.secureConnectString(), Duration.ofSeconds(5),
                Duration.ofSeconds(10), acl, tls)) {
            role.client().create().forPath("/tls-probe", "over tls".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(role.client().getData().forPath("/tls-probe"), StandardCharsets.UTF_8))
                    .isEqualTo("over tls");
        }
        // the plain port still serves skep on this host, unaffected by the server's TLS settings
        try (StateConnection local = StateConnection.open(server.connectString(), Duration.ofSeconds(5),
                Duration.ofSeconds(10), acl)) {
            assertThat(local.client().checkExists().forPath("/tls-probe")).isNotNull();
        }
    }

    @Test
    void aTrustStoreOfAnotherCaIsRefusedWithTheReason() throws Exception {
        Path keystore = selfSigned("zk", "CN=localhost");
        Path stranger = selfSigned("other", "CN=localhost");
        server = EmbeddedZooKeeper.start(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0), false, true,
                new ZkSecurePort(new InetSocketAddress("127.0.0.1", 0), keystore, "changeit"));
        ZkTls wrong = new ZkTls(trustOf("other", stranger), "changeit", null, null);

        assertThatThrownBy(() -> StateConnection.open(server.secureConnectString(), Duration.ofSeconds(2),
                Duration.ofSeconds(3), ZkAcl.inDataDir(dir), wrong))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ZooKeeper at " + server.secureConnectString() + " refused the TLS handshake")
                .hasMessageContaining("--zk-tls-truststore " + wrong.truststore())
                .hasMessageContaining("give the CA that signed the ensemble's certificates");
    }

    @Test
    void passwordsStayOutOfTheDescription() {
        ZkTls tls = new ZkTls(Path.of("trust.p12"), "trust-secret", Path.of("key.p12"), "key-secret");
        assertThat(tls.toString()).contains("trust.p12").doesNotContain("trust-secret").doesNotContain("key-secret");
    }

    /** A PKCS12 key store holding a self-signed certificate for 127.0.0.1 and localhost. */
    private Path selfSigned(String name, String dname) throws Exception {
        Path keystore = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-dname", dname, "-validity", "2",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit");
        return keystore;
    }

    /** A trust store holding only the certificate of {@code keystore}. */
    private Path trustOf(String name, Path keystore) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        Path trust = dir.resolve(name + "-trust.p12");
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trust.toString(), "-storepass", "changeit");
        return trust;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
