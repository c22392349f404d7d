package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `--zk-session-timeout SECONDS` on every role that opens a ZooKeeper session: 10 s unless given, 2-60 s. */
class ZkSessionOptionTest {

    @TempDir
    Path dir;

    private Duration server(String... args) throws Exception {
        return ServerFlags.config(dir, args).zk().sessionTimeout();
    }

    /** The option as the controller, agent, router and edge haproxy read it (their ensemble flags). */
    private static Duration ensemble(Object command, EnsembleOptions ensemble, String... args) throws IOException {
        new CommandLine(command).parseArgs(with(new String[] {"--zk", "127.0.0.1:2181"}, args));
        return ensemble.settings().sessionTimeout();
    }

    private static Duration controller(String... args) throws IOException {
        ControllerCommand controller = new ControllerCommand();
        return ensemble(controller, controller.cluster.ensemble, args);
    }

    private static Duration agent(String... args) throws IOException {
        AgentCommand agent = new AgentCommand();
        return ensemble(agent, agent.cluster.ensemble, args);
    }

    private static Duration router(String... args) throws IOException {
        RouterCommand router = new RouterCommand();
        return ensemble(router, router.ensemble, args);
    }

    private static Duration edge(String... args) throws IOException {
        EdgeCommand.Haproxy edge = new EdgeCommand.Haproxy();
        return ensemble(edge, edge.ensemble, args);
    }

    private static String[] with(String[] first, String[] rest) {
        String[] all = new String[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    @Test
    void everyRoleKeepsTenSecondsUnlessTold() throws Exception {
        assertThat(server()).isEqualTo(Duration.ofSeconds(10));
        assertThat(controller()).isEqualTo(Duration.ofSeconds(10));
        assertThat(agent()).isEqualTo(Duration.ofSeconds(10));
        assertThat(router()).isEqualTo(Duration.ofSeconds(10));
        assertThat(edge()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyRoleTakesTheFlag() throws Exception {
        assertThat(server("--zk-session-timeout", "4")).isEqualTo(Duration.ofSeconds(4));
        assertThat(controller("--zk-session-timeout", "30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(agent("--zk-session-timeout", "2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(router("--zk-session-timeout", "60")).isEqualTo(Duration.ofSeconds(60));
        assertThat(edge("--zk-session-timeout", "5")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void outOfRangeIsAUsageErrorNamingTheFlagAndTheRange() {
        for (String bad : new String[] {"0", "1", "-3", "61", "3600"}) {
            assertThatThrownBy(() -> server("--zk-session-timeout", bad)).as(bad)
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessage("--zk-session-timeout must be 2 to 60 seconds, found " + bad);
            assertThatThrownBy(() -> agent("--zk-session-timeout", bad)).as(bad)
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("--zk-session-timeout must be 2 to 60 seconds");
        }
        assertThatThrownBy(() -> router("--zk-session-timeout", "10s"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--zk-session-timeout")
                .hasMessageContaining("'10s'");
    }

    @Test
    void aMainSessionShorterThanTheLeadershipOnesTakesThatDownWithIt() {
        assertThat(role(Duration.ofSeconds(10)).leadershipTimeout()).isEqualTo(StateRole.LEADERSHIP_SESSION_TIMEOUT);
        assertThat(role(Duration.ofSeconds(2)).leadershipTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    private static StateRole role(Duration session) {
        return new StateRole(null, null, null, null, "127.0.0.1:2181", null, null, Set.of(), session);
    }
}
