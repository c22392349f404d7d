package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skep hosts add and rm on a host where systemd runs as PID 1 (Debian's systemd, in its own PID, mount and cgroup
 * namespaces inside a network namespace, sshd one of its units; see {@link SshNamespace#startUnderSystemd}): add
 * finds systemd, installs and enables skep-agent.service and the agent joins; killed, systemd restarts it and it joins
 * again; rm disables the unit and removes it. Root only.
 */
class HostsSystemdEndToEndTest {

    private static final String UNIT = "skep-agent.service";

    @TempDir
    static Path dir;

    static SshNamespace ns;
    static SkepServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        ns = SshNamespace.startUnderSystemd(dir.resolve("ssh"));
        Assumptions.assumeTrue(ns != null, "no systemd host here (needs root, ip netns, /usr/sbin/sshd, "
                + "/lib/systemd/systemd, unshare and cgroup2)");
        server = new SkepServerProcess(dir.resolve("server/data"), List.of("--bind", "0.0.0.0", "--advertise", ns.here,
                "--zk-bind", ns.here), Map.of()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (ns != null) {
            ns.close(); // kills PID 1 there, and with it whatever systemd still ran
        }
        Mounts.release(dir);
    }

    @Test
    void addInstallsASystemdUnitThatRestartsAKilledAgentAndRmRemovesIt() throws Exception {
        Path remote = dir.resolve("remote");
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "");
        String hostId = ns.address.replace('.', '-');

        // --service auto: systemd, since it runs there and the login is root
        String[] add = {"add", "ssh://root@" + ns.address, "--identity", ns.userKey.toString(), "--known-hosts",
                knownHosts.toString(), "--accept-new-host-key", "--remote-dir", remote.toString(), "--app-ports",
                "21900-21999"};
        CliRun added = HostsEndToEndTest.hosts(dir, server, add).expect(0);
        assertThat(added.out()).contains(", systemd", "starting skep agent (systemd)",
                "/etc/systemd/system/" + UNIT + " installed", "agent " + hostId + " registered");
        assertThat(ns.systemctl("show", "-p", "ActiveState,UnitFileState,ExecStart", UNIT))
                .contains("ActiveState=active", "UnitFileState=enabled", remote + "/bin/run");
        assertThat(Files.exists(Path.of("/etc/systemd/system", UNIT))).as("the unit is the host's, not this machine's")
                .isFalse();
        String started = agentStarted(hostId).orElseThrow();

        // a crash: the JVM killed (KILL, on the host); systemd starts it again (RestartSec=2) and it registers anew
        long agent = agentPid().orElseThrow();
        ns.onHost("kill", "-KILL", String.valueOf(agent));
        await("systemd restarts the agent").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> ns.systemctl("show", "-p", "NRestarts,ActiveState", UNIT).contains("NRestarts=1")
                        && agentPid().filter(p -> p != agent).isPresent());
        await("the restarted agent registers").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> agentStarted(hostId).filter(s -> !s.equals(started)).isPresent());
        assertThat(ns.systemctl("show", "-p", "ActiveState", UNIT)).isEqualTo("ActiveState=active");

        // the same add again finds it running as it would start it: it leaves it running, the same process
        long running = agentPid().orElseThrow();
        CliRun again = HostsEndToEndTest.hosts(dir, server, add).expect(0);
        assertThat(again.out()).contains("unchanged: /etc/systemd/system/" + UNIT + ", enabled and running",
                "agent " + hostId + " registered", "is ready");
        assertThat(agentPid()).contains(running);

        // rm stops and disables the unit, removes it and the directory
        CliRun removed = HostsEndToEndTest.hosts(dir, server, "rm", hostId).expect(0);
        assertThat(removed.out()).contains("stopping and uninstalling skep agent", "stopped; " + remote + " removed",
                "removed " + hostId);
        assertThat(ns.systemctl("show", "-p", "LoadState,ActiveState", UNIT))
                .contains("LoadState=not-found", "ActiveState=inactive");
        assertThat(ns.systemctl("list-unit-files", UNIT)).contains("0 unit files listed");
        assertThat(ns.onHost("find", "/etc/systemd/system", "-name", UNIT)).isEmpty(); // the enable link too
        assertThat(agentPid()).isEmpty();
        assertThat(ns.onHost("ps", "-eo", "args=")).doesNotContain("dev.skep.server.Main");
        assertThat(remote).doesNotExist();
    }

    /** The pid there of the unit's main process (the agent's JVM: bin/run execs it), while it runs. */
    private static Optional<Long> agentPid() throws Exception {
        String pid = ns.systemctl("show", "-p", "MainPID", "--value", UNIT);
        return pid.matches("[1-9][0-9]*") ? Optional.of(Long.parseLong(pid)) : Optional.empty();
    }

    /** When the agent registered under {@code id} says it started, if it is registered. */
    private static Optional<String> agentStarted(String id) throws Exception {
        for (JsonNode agent : Http.get(server.api("/v1/agents"), server.token()).json()) {
            if (id.equals(agent.path("id").asText())) {
                return Optional.of(agent.path("started").asText());
            }
        }
        return Optional.empty();
    }
}
