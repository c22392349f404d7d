package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Each role's flags reach the settings of the role that uses them, in every command that runs it. */
class RoleSettingsFlagsTest {

    @TempDir
    Path dir;

    @Test
    void theServersListenersAddressAndIdReachEveryRoleOfIt() throws Exception {
        ServerConfig config = ServerFlags.config(dir, "--bind", "10.0.0.7", "--router-port", "8081",
                "--api-port", "9003", "--advertise", "edge.example", "--base-domain", "apps.example",
                "--start-timeout", "45", "--agent-id", "host-1", "--agent-grace", "20", "--max-connections", "500");

        assertThat(config.router()).isEqualTo(new RouterSettings("10.0.0.7", 8081, "edge.example", "apps.example",
                Duration.ofSeconds(45), config.router().edge()));
        assertThat(config.router().edge().maxConnections()).isEqualTo(500);
        ControllerSettings controller = config.controller();
        assertThat(controller.id()).isEqualTo("host-1");
        assertThat(controller.bind()).isEqualTo("10.0.0.7");
        assertThat(controller.apiPort()).isEqualTo(9003);
        assertThat(controller.advertiseHost()).isEqualTo("edge.example");
        assertThat(controller.baseDomain()).isEqualTo("apps.example");
        assertThat(controller.startTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(controller.agentGrace()).isEqualTo(Duration.ofSeconds(20));
        assertThat(controller.oneHost()).isTrue();
        assertThat(config.agent().id()).isEqualTo("host-1");
        assertThat(config.agent().advertiseHost()).isEqualTo("edge.example");
        assertThat(config.agent().startTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.dataDir()).isEqualTo(dir);
    }

    @Test
    void theServersAgentFlagsReachItsAgent() throws Exception {
        AgentSettings agent = ServerFlags.config(dir, "--app-ports", "21000-21099", "--drain-timeout", "3",
                "--keep-apps").agent();
        assertThat(agent).isEqualTo(new AgentSettings("a1", "127.0.0.1", null, 21000, 21099,
                Duration.ofSeconds(60), Duration.ofSeconds(3), true, 1L << 30));
    }

    @Test
    void theServersEmbeddedZooKeeperTakesItsListenersFlags() throws Exception {
        ZkSettings zk = ServerFlags.config(dir, "--zk-port", "2281", "--zk-bind", "0.0.0.0", "--zk-sync",
                "--zk-tls-port", "2282", "--zk-tls-keystore", "zk.p12").zk();
        assertThat(zk.isEmbedded()).isTrue();
        assertThat(zk.ensemble()).isNull();
        assertThat(zk.embedded().bind()).isEqualTo("0.0.0.0");
        assertThat(zk.embedded().port()).isEqualTo(2281);
        assertThat(zk.embedded().sync()).isTrue();
        assertThat(zk.embedded().securePort().address()).isEqualTo(new InetSocketAddress("0.0.0.0", 2282));
        assertThat(zk.embedded().securePort().keystore()).isAbsolute().hasFileName("zk.p12");

        ZkSettings defaults = ServerFlags.config(dir).zk();
        assertThat(defaults.embedded()).isEqualTo(new ZkSettings.Embedded("127.0.0.1", 0, false, null));
    }

    @Test
    void aServerOnAnEnsembleIsNotTheOnlyController() throws Exception {
        ServerConfig config = ServerFlags.config(dir, "--zk", "zk1:2181,zk2:2181", "--zk-secret", "zk.secret");
        assertThat(config.zk().ensemble()).isEqualTo("zk1:2181,zk2:2181");
        assertThat(config.zk().secret()).isEqualTo(Path.of("zk.secret"));
        assertThat(config.zk().isEmbedded()).isFalse();
        assertThat(config.controller().oneHost()).isFalse();
    }

    @Test
    void theRoutersFlagsReachItsSettings() throws Exception {
        RouterCommand command = new RouterCommand();
        new CommandLine(command).parseArgs("--zk", "127.0.0.1:2181", "--bind", "10.0.0.8", "--port", "8082",
                "--advertise", "r1.example", "--base-domain", "apps.example", "--wake-timeout", "30",
                "--max-connections-per-ip", "32");
        RouterSettings router = command.settings();
        assertThat(router).isEqualTo(new RouterSettings("10.0.0.8", 8082, "r1.example", "apps.example",
                Duration.ofSeconds(30), router.edge()));
        assertThat(router.edge().maxConnectionsPerIp()).isEqualTo(32);
    }

    @Test
    void theAgentsFlagsReachItsSettings() throws Exception {
        AgentCommand command = new AgentCommand();
        new CommandLine(command).parseArgs("--zk", "127.0.0.1:2181", "--agent-id", "a2", "--advertise", "10.0.0.9",
                "--app-ports", "22000-22009", "--start-timeout", "90", "--drain-timeout", "4", "--keep-apps");
        assertThat(command.settings(dir, "/usr/bin")).isEqualTo(new AgentSettings("a2", "10.0.0.9", "/usr/bin",
                22000, 22009, Duration.ofSeconds(90), Duration.ofSeconds(4), true, 1L << 30));
    }

    /** Both commands that run an agent read --app-ports one way: a range of ports, else a usage error. */
    @Test
    void appPortsThatAreNoRangeOfPortsAreAUsageErrorOfServerAndAgent() throws Exception {
        for (String bad : List.of("a-b", "9-1", "0-10", "20000", "1-70000")) {
            assertThatThrownBy(() -> ServerFlags.config(dir, "--app-ports", bad))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessage("--app-ports must look like 20000-29999, found '" + bad + "'");
            AgentCommand agent = new AgentCommand();
            new CommandLine(agent).parseArgs("--zk", "127.0.0.1:2181", "--agent-id", "a2", "--app-ports", bad);
            assertThatThrownBy(() -> agent.settings(dir, "/usr/bin"))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessage("--app-ports must look like 20000-29999, found '" + bad + "'");
        }
    }

    @Test
    void theControllersFlagsReachItsSettings() throws Exception {
        ControllerCommand command = new ControllerCommand();
        new CommandLine(command).parseArgs("--zk", "127.0.0.1:2181", "--id", "c2", "--bind", "0.0.0.0",
                "--advertise", "c2.example", "--api-port", "9004", "--base-domain", "apps.example",
                "--start-timeout", "75", "--agent-grace", "15");
        ControllerSettings controller = command.settings(dir);
        assertThat(controller.id()).isEqualTo("c2");
        assertThat(controller.bind()).isEqualTo("0.0.0.0");
        assertThat(controller.advertiseHost()).isEqualTo("c2.example");
        assertThat(controller.apiPort()).isEqualTo(9004);
        assertThat(controller.baseDomain()).isEqualTo("apps.example");
        assertThat(controller.startTimeout()).isEqualTo(Duration.ofSeconds(75));
        assertThat(controller.agentGrace()).isEqualTo(Duration.ofSeconds(15));
        assertThat(controller.oneHost()).isFalse();
    }

    @Test
    void everyClusterRolesEnsembleFlagsReachItsState() throws Exception {
        EdgeCommand.Haproxy edge = new EdgeCommand.Haproxy();
        new CommandLine(edge).parseArgs("--zk", "zk1:2181", "--zk-secret", "zk.secret", "--zk-session-timeout", "7");
        assertThat(edge.ensemble.settings()).isEqualTo(
                ZkSettings.ensemble("zk1:2181", Path.of("zk.secret"), null, Duration.ofSeconds(7)));
    }
}
