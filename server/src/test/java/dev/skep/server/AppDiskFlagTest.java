package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `--app-disk SIZE` on `skep server` and `skep agent`: sizes as operators write them, a clear error otherwise. */
class AppDiskFlagTest {

    @TempDir
    Path dir;

    private ServerConfig server(String... args) throws Exception {
        return ServerFlags.config(dir, args);
    }

    @Test
    void theServerReadsTheSizeAndDefaultsToOneGib() throws Exception {
        assertThat(server().agent().appDisk()).isEqualTo(1L << 30);
        assertThat(server("--app-disk", "2g").agent().appDisk()).isEqualTo(2L << 30);
        assertThat(server("--app-disk", "512m").agent().appDisk()).isEqualTo(512L << 20);
        assertThat(server("--app-disk", "300").agent().appDisk()).as("MiB, like --app-memory").isEqualTo(300L << 20);
    }

    @Test
    void aBadOrTinySizeIsAUsageErrorNamingTheFlag() {
        assertThatThrownBy(() -> server("--app-disk", "lots")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--app-disk").hasMessageContaining("'lots'");
        assertThatThrownBy(() -> server("--app-disk", "8m")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("at least 16m");
    }

    @Test
    void theAgentTakesTheFlagToo() throws Exception {
        AgentCommand agent = new AgentCommand();
        new CommandLine(agent).parseArgs("--zk", "127.0.0.1:2181", "--agent-id", "a1", "--advertise", "10.0.0.5",
                "--app-disk", "3g");
        assertThat(agent.settings(dir, null).appDisk()).isEqualTo(3L << 30);
        AgentCommand defaults = new AgentCommand();
        new CommandLine(defaults).parseArgs("--zk", "127.0.0.1:2181");
        assertThat(defaults.host.appDisk).isEqualTo("1g");
    }
}
