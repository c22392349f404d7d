package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keepalived half of an edge pair, checked by Debian's keepalived (`keepalived -t`). */
class KeepalivedConfigTest {

    static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");

    @TempDir
    Path dir;

    /**
     * keepalived -t refuses an interface the host lacks, and lo for VRRP: the check runs in a network namespace of its
     * own with this interface (one end of a veth pair), so it needs no particular host.
     */
    static final String IF = "skep-edge0";

    @Test
    void aVrrpInstanceHoldsTheVipWhileHaproxyRunsAndTalksUnicastToThePeer() throws Exception {
        String text = new KeepalivedConfig("10.0.0.100/24", IF, List.of("10.0.0.3"), 150, 51,
                "/usr/bin/pidof haproxy").render();
        assertThat(text).contains("vrrp_script chk_haproxy {\n    script \"/usr/bin/pidof haproxy\"\n")
                .contains("    weight -60\n")
                .contains("    interface " + IF + "\n    virtual_router_id 51\n    priority 150\n")
                .contains("    unicast_peer {\n        10.0.0.3\n    }\n")
                .contains("    virtual_ipaddress {\n        10.0.0.100/24 dev " + IF + "\n    }\n")
                .contains("    track_script {\n        chk_haproxy\n    }\n");
        assertThat(check(text)).isEqualTo("ok");
    }

    @Test
    void aBareVipIsOneAddressAndIpv6Works() throws Exception {
        String text = new KeepalivedConfig("fd00::100", IF, List.of("fd00::3"), 100, 7, "/usr/bin/pidof haproxy")
                .render();
        assertThat(text).contains("        fd00::100/128 dev " + IF + "\n");
        assertThat(check(text)).isEqualTo("ok");
    }

    @Test
    void badFlagsAreRefusedNamingTheFlag() {
        List<String> peer = List.of("10.0.0.3");
        String cmd = "/usr/bin/pidof haproxy";
        assertThatThrownBy(() -> new KeepalivedConfig("edge.example.com", "eth0", peer, 100, 51, cmd))
                .hasMessageContaining("--vip 'edge.example.com' is not an IP address");
        assertThatThrownBy(() -> new KeepalivedConfig("10.0.0.100/33", "eth0", peer, 100, 51, cmd))
                .hasMessageContaining("--vip").hasMessageContaining("prefix");
        assertThatThrownBy(() -> new KeepalivedConfig("10.0.0.100", "eth0 }", peer, 100, 51, cmd))
                .hasMessageContaining("--interface");
        assertThatThrownBy(() -> new KeepalivedConfig("10.0.0.100", "eth0", List.of("fd00::3"), 100, 51, cmd))
                .hasMessageContaining("one family");
        assertThatThrownBy(() -> new KeepalivedConfig("10.0.0.100", "eth0", peer, 255, 51, cmd))
                .hasMessageContaining("--priority 255");
        assertThatThrownBy(() -> new KeepalivedConfig("10.0.0.100", "eth0", peer, 100, 0, cmd))
                .hasMessageContaining("--router-id");
        assertThatThrownBy(() -> new KeepalivedConfig("10.0.0.100", "eth0", peer, 100, 51, "x\" }"))
                .hasMessageContaining("--check");
    }

    /** keepalived -t on the text: "ok", or what it said. */
    private String check(String text) throws Exception {
        assertThat(KEEPALIVED).as("Debian's keepalived (.ci/run installs it)").isExecutable();
        Path file = dir.resolve("keepalived.conf");
        Files.writeString(file, text);
        Process p = new ProcessBuilder("unshare", "-n", "sh", "-c", "ip link add " + IF + " type veth peer name "
                + "skep-edge1 && ip link set " + IF + " up && exec " + KEEPALIVED + " -t -l -n -f " + file)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return p.waitFor() == 0 && !out.contains("WARNING") ? "ok" : "exit " + p.exitValue() + ": " + out;
    }
}
