package dev.skep.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ed25519 both ways, with keys ssh-keygen made: an identity that logs in, and a host key that is recorded in
 * known_hosts and checked on the next login. The server is MINA SSHD's on loopback (real sockets, a real command);
 * HostsEndToEndTest does the same against OpenSSH's sshd.
 */
class Ed25519LoginTest {

    @TempDir
    Path dir;

    @Test
    void anEd25519IdentityLogsInToAHostWithAnEd25519HostKey() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "no ssh-keygen here");
        Path hostKey = keygen(dir.resolve("ssh_host_ed25519_key"));
        Path userKey = keygen(dir.resolve("id_ed25519"));
        PublicKey allowed = SshHost.loadKeys(List.of(userKey)).get(0).getPublic();
        assertThat(KeyUtils.getKeyType(allowed)).isEqualTo("ssh-ed25519");

        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new FileKeyPairProvider(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(allowed, key));
        server.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
        server.start();
        try {
            SshTarget target = new SshTarget("skep", "127.0.0.1", server.getPort());
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, "");
            try (SshHost host = SshHost.connect(target, List.of(userKey), knownHosts, true)) {
                assertThat(host.check("echo", "echo ed25519 works", Duration.ofSeconds(10))).isEqualTo("ed25519 works\n");
            }
            assertThat(Files.readString(knownHosts)).startsWith("[127.0.0.1]:" + server.getPort() + " ssh-ed25519 ");
            // the recorded Ed25519 host key is read back and matches: no --accept-new-host-key needed now
            try (SshHost host = SshHost.connect(target, List.of(userKey), knownHosts, false)) {
                assertThat(host.run("true", Duration.ofSeconds(10)).ok()).isTrue();
            }
        } finally {
            server.stop(true);
        }
    }

    private static Path keygen(Path file) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return file;
    }
}
