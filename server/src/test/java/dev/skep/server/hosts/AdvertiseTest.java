package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.hosts.SshTarget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * skep hosts add --advertise ADDR: the role installed there is started advertising ADDR (the address the cluster
 * reaches it at, e.g. a private one beside the public SSH target), and the host is recorded under it; without the
 * flag, the SSH target's host.
 */
class AdvertiseTest {

    private static final SshTarget TARGET = SshTarget.parse("ssh://root@203.0.113.7");

    private static AddRequest request(String... flags) {
        InstallOptions options = new InstallOptions();
        new CommandLine(options).parseArgs(flags);
        return new AddRequest(TARGET, List.of(), Path.of("known_hosts"), false, options.role, options.remoteDir,
                options.appPorts, options.advertise, options.service, options.copyJava, "10.0.0.1:2181",
                Path.of("zk.secret"), null, Path.of("data"), null);
    }

    private static List<String> roleArgs(AddRequest request) {
        HostInstall install = new HostInstall(request, new PrintWriter(new StringWriter()), "1.0", false, false);
        return install.roleArgs("/opt/skep", request.recordId());
    }

    private static String after(List<String> args, String flag) {
        int at = args.indexOf(flag);
        assertThat(at).as(flag + " in " + args).isNotNegative();
        assertThat(Collections.frequency(args, flag)).as(flag + " once").isEqualTo(1);
        return args.get(at + 1);
    }

    @Test
    void anAgentAdvertisesTheAddressGivenAndIsKnownByIt() {
        AddRequest agent = request("--advertise", "10.0.0.5");
        List<String> args = roleArgs(agent);
        assertThat(args.get(0)).isEqualTo("agent");
        assertThat(after(args, "--advertise")).isEqualTo("10.0.0.5");
        assertThat(after(args, "--agent-id")).isEqualTo("10-0-0-5");
        assertThat(agent.recordId()).isEqualTo("10-0-0-5");
        assertThat(args).doesNotContain("203.0.113.7");
    }

    @Test
    void aRouterAdvertisesTheAddressGivenToo() {
        AddRequest router = request("--role", "router", "--advertise", "edge-1.internal");
        List<String> args = roleArgs(router);
        assertThat(args.get(0)).isEqualTo("router");
        assertThat(after(args, "--advertise")).isEqualTo("edge-1.internal");
        assertThat(router.recordId()).isEqualTo("router-edge-1-internal");
    }

    @Test
    void withoutTheFlagTheSshTargetsHostIsAdvertised() {
        AddRequest agent = request();
        assertThat(after(roleArgs(agent), "--advertise")).isEqualTo("203.0.113.7");
        assertThat(agent.recordId()).isEqualTo("203-0-113-7");
    }
}
