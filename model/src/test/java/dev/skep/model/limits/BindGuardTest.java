package dev.skep.model.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.skep.model.DataDirs;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The guard in a real kernel: a process in a guarded cgroup tries bind(2) on ports and both loopbacks. */
class BindGuardTest {

    /** Listens on each "host port" of argv[1] (JSON) in turn and prints "host port ok|ERRNO-CODE". */
    static final String TRY_BINDS = """
            const net = require('net');
            (async () => {
              for (const [host, port] of JSON.parse(process.argv[1])) {
                const r = await new Promise(done => {
                  const s = net.createServer();
                  s.once('error', e => done(e.code));
                  s.listen({host, port}, () => s.close(() => done('ok')));
                });
                console.log(host + ' ' + port + ' ' + r);
              }
            })();
            """;

    @Test
    void aGuardedProcessBindsItsPortAndPortZeroOnlyOnBothFamilies() throws Exception {
        assumeThat(DataDirs.runningAsRoot()).as("needs root (cgroups, BPF); CI runs as root").isTrue();
        Cgroups cgroups = CgroupSetup.detect();
        assumeThat(cgroups.bindGuard().on()).as("needs the bind guard: " + cgroups.bindGuard().describe()).isTrue();
        int own = freePort();
        int other = freePort();
        ResourceLimits limits = new ResourceLimits(256L << 20, 64, 1024, 256);
        CgroupSlot slot = cgroups.slot("test.bind.1." + UUID.randomUUID().toString().substring(0, 8), limits, own)
                .orElseThrow();
        try {
            String out = run(slot, limits, "[[\"127.0.0.1\"," + other + "],[\"::1\"," + other + "],"
                    + "[\"0.0.0.0\"," + other + "],[\"::\"," + other + "],"
                    + "[\"127.0.0.1\"," + own + "],[\"::1\"," + own + "],[\"127.0.0.1\",0],[\"::1\",0]]");
            assertThat(out.lines()).containsExactly(
                    "127.0.0.1 " + other + " EPERM", "::1 " + other + " EPERM",
                    "0.0.0.0 " + other + " EPERM", ":: " + other + " EPERM",
                    "127.0.0.1 " + own + " ok", "::1 " + own + " ok", "127.0.0.1 0 ok", "::1 0 ok");
        } finally {
            slot.killAll(Duration.ofSeconds(5));
        }
        assertThat(slot.procsFiles()).allMatch(f -> !Files.exists(f.getParent()));
    }

    /** Connects to each "host port" of argv[1] (JSON) in turn and prints "host port ok|ERRNO-CODE". */
    static final String TRY_CONNECTS = """
            const net = require('net');
            (async () => {
              for (const [host, port] of JSON.parse(process.argv[1])) {
                const r = await new Promise(done => {
                  const s = net.connect({host, port});
                  s.once('error', e => done(e.code));
                  s.once('connect', () => { s.destroy(); done('ok'); });
                });
                console.log(host + ' ' + port + ' ' + r);
              }
            })();
            """;

    /**
     * Every app shares 127.0.0.1 with skep, so ZooKeeper's per-address cap cannot tell a tenant's connections
     * from skep's: a guarded process may not connect to skep's ZooKeeper ports at all, in any spelling of any
     * address, and still reaches every other port (the router's, the API's, another host's services).
     */
    @Test
    void aGuardedProcessCannotConnectToTheClosedPortsOnAnyAddress() throws Exception {
        assumeThat(DataDirs.runningAsRoot()).as("needs root (cgroups, BPF); CI runs as root").isTrue();
        try (ServerSocket zk4 = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             ServerSocket open = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int closed = zk4.getLocalPort();
            int tls = freePort();
            try (ServerSocket zk6 = new ServerSocket(closed, 50, InetAddress.getByName("::1"))) {
                Cgroups cgroups = CgroupSetup.detect(Set.of(closed, tls));
                assumeThat(cgroups.bindGuard().on()).as("needs the bind guard: " + cgroups.bindGuard().describe())
                        .isTrue();
                ResourceLimits limits = new ResourceLimits(256L << 20, 64, 1024, 256);
                CgroupSlot slot = cgroups.slot("test.connect." + UUID.randomUUID().toString().substring(0, 8),
                        limits, freePort()).orElseThrow();
                try {
                    String out = run(slot, limits, TRY_CONNECTS, "[[\"127.0.0.1\"," + closed + "],[\"::1\"," + closed
                            + "],[\"::ffff:127.0.0.1\"," + closed + "],[\"127.0.0.2\"," + closed + "],"
                            + "[\"127.0.0.1\"," + tls + "],[\"127.0.0.1\"," + open.getLocalPort() + "]]");
                    assertThat(out.lines()).containsExactly("127.0.0.1 " + closed + " EPERM", "::1 " + closed + " EPERM",
                            "::ffff:127.0.0.1 " + closed + " EPERM", "127.0.0.2 " + closed + " EPERM",
                            "127.0.0.1 " + tls + " EPERM", "127.0.0.1 " + open.getLocalPort() + " ok");
                } finally {
                    slot.killAll(Duration.ofSeconds(5));
                }
            }
        }
    }

    @Test
    void aSlotForPortZeroBindsNothingElse() throws Exception {
        assumeThat(DataDirs.runningAsRoot()).as("needs root (cgroups, BPF); CI runs as root").isTrue();
        Cgroups cgroups = CgroupSetup.detect();
        assumeThat(cgroups.bindGuard().on()).as("needs the bind guard: " + cgroups.bindGuard().describe()).isTrue();
        int other = freePort();
        ResourceLimits limits = new ResourceLimits(256L << 20, 64, 1024, 256);
        CgroupSlot slot = cgroups.slot("build-test-" + UUID.randomUUID().toString().substring(0, 8), limits, 0)
                .orElseThrow();
        try {
            String out = run(slot, limits, "[[\"127.0.0.1\"," + other + "],[\"::1\"," + other + "],[\"::1\",0]]");
            assertThat(out.lines()).containsExactly("127.0.0.1 " + other + " EPERM", "::1 " + other + " EPERM",
                    "::1 0 ok");
        } finally {
            slot.killAll(Duration.ofSeconds(5));
        }
    }

    @Test
    void aSlotMadeAgainReplacesItsRuleAsARestartedAgentDoes() throws Exception {
        assumeThat(DataDirs.runningAsRoot()).as("needs root (cgroups, BPF); CI runs as root").isTrue();
        Cgroups cgroups = CgroupSetup.detect();
        assumeThat(cgroups.bindGuard().on()).as("needs the bind guard: " + cgroups.bindGuard().describe()).isTrue();
        int first = freePort();
        int second = freePort();
        ResourceLimits limits = new ResourceLimits(256L << 20, 64, 1024, 256);
        String name = "test.bind.2." + UUID.randomUUID().toString().substring(0, 8);
        cgroups.slot(name, limits, first).orElseThrow();
        CgroupSlot again = cgroups.slot(name, limits, second).orElseThrow();
        try {
            String out = run(again, limits, "[[\"127.0.0.1\"," + first + "],[\"127.0.0.1\"," + second + "]]");
            assertThat(out.lines()).containsExactly("127.0.0.1 " + first + " EPERM", "127.0.0.1 " + second + " ok");
        } finally {
            again.killAll(Duration.ofSeconds(5));
        }
    }

    private static String run(CgroupSlot slot, ResourceLimits limits, String tries) throws Exception {
        return run(slot, limits, TRY_BINDS, tries);
    }

    private static String run(CgroupSlot slot, ResourceLimits limits, String script, String tries) throws Exception {
        List<String> command = new ArrayList<>(Confinement.head(limits, slot.procsFiles()));
        command.addAll(List.of("node", "-e", script, tries));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
