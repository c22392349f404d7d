package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.skep.state.EmbeddedZooKeeper;
import dev.skep.state.StateConnection;
import dev.skep.state.ZkAcl;
import dev.skep.state.ZkSecurePort;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: ZooKeeper traffic between hosts over TLS. A router (its own JVM) reaches a real ZooKeeper's
 * secure client port with a PEM CA and registers in the state; a router given another CA is refused with
 * the reason; and the cluster secret appears in no log line.
 */
class ZkTlsEndToEndTest {

    @TempDir
    static Path dir;

    static EmbeddedZooKeeper zk;
    static TestCa ca;
    static Path secret;
    static String secretText;
    static Path keystore;

    @BeforeAll
    static void start() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x")); // apps pass through
        ca = TestCa.create(dir, "cluster");
        Path[] server = ca.sign(dir, "zk");
        // ZooKeeper's PEM key store: the key and the certificate in one file
        keystore = dir.resolve("zk-keystore.pem");
        Files.writeString(keystore, Files.readString(server[1]) + Files.readString(server[0]));
        zk = EmbeddedZooKeeper.start(Files.createDirectories(dir.resolve("zk")), new InetSocketAddress("127.0.0.1", 0),
                false, false, new ZkSecurePort(new InetSocketAddress("127.0.0.1", 0), keystore, null));
        secret = Files.createFile(dir.resolve("zk.secret"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        secretText = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        Files.writeString(secret, secretText);
    }

    @AfterAll
    static void stop() {
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void aRouterReachesTheStateOverTlsAndNeverLogsTheSecret() throws Exception {
        try (RoleProcess router = RoleProcess.start("router", dir.resolve("logs"), "event=router.listening", "router",
                "--zk", zk.secureConnectString(), "--zk-secret", secret.toString(),
                "--zk-tls-truststore", ca.cert().toString(), "--bind", "127.0.0.1",
                "--port", String.valueOf(SkepServerProcess.freePort()))) {
            assertThat(router.output()).contains("event=zookeeper.connected zk=" + zk.secureConnectString());
            try (StateConnection look = StateConnection.open(zk.connectString(), Duration.ofSeconds(5),
                    Duration.ofSeconds(10), ZkAcl.fromFile(secret))) {
                await("the router registers through the TLS port").atMost(Duration.ofSeconds(20))
                        .until(() -> look.client().checkExists().forPath("/skep/routers") != null
                                && !look.client().getChildren().forPath("/skep/routers").isEmpty());
            }
            assertThat(router.output()).doesNotContain(secretText);
        }
    }

    @Test
    void aRouterTrustingAnotherCaIsRefusedWithTheReason() throws Exception {
        TestCa stranger = TestCa.create(dir, "stranger");
        assertThatThrownBy(() -> RoleProcess.start("router-wrong-ca", dir.resolve("logs"), "event=router.listening",
                "router", "--zk", zk.secureConnectString(), "--zk-secret", secret.toString(),
                "--zk-tls-truststore", stranger.cert().toString(), "--bind", "127.0.0.1",
                "--port", String.valueOf(SkepServerProcess.freePort())))
                .hasMessageContaining("ZooKeeper at " + zk.secureConnectString() + " refused the TLS handshake")
                .hasMessageContaining("--zk-tls-truststore " + stranger.cert())
                .hasMessageContaining("give the CA that signed the ensemble's certificates")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secretText));
    }

    /** `skep server --zk-tls-port`: its embedded ZooKeeper serves TLS, and a router on another host joins through it. */
    @Test
    void skepServerServesItsEmbeddedZooKeeperOverTlsToARouter() throws Exception {
        int tlsPort = SkepServerProcess.freePort();
        Path data = dir.resolve("server/data");
        try (SkepServerProcess server = new SkepServerProcess(data, List.of("--zk-tls-port",
                String.valueOf(tlsPort), "--zk-tls-keystore", keystore.toString()), Map.of()).start()) {
            assertThat(server.output()).contains("tls_address=127.0.0.1:" + tlsPort);
            String serverSecret = Files.readString(data.resolve("zk.secret")).strip();
            try (RoleProcess router = RoleProcess.start("router-of-server", dir.resolve("logs"),
                    "event=router.listening", "router", "--zk", "127.0.0.1:" + tlsPort,
                    "--zk-secret", data.resolve("zk.secret").toString(), "--zk-tls-truststore", ca.cert().toString(),
                    "--bind", "127.0.0.1", "--port", String.valueOf(SkepServerProcess.freePort()))) {
                assertThat(router.output()).contains("event=zookeeper.connected zk=127.0.0.1:" + tlsPort);
                assertThat(router.output()).doesNotContain(serverSecret);
            }
            assertThat(server.output()).doesNotContain(serverSecret);
        }
    }
}
