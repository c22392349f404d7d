package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `--app-disk SIZE` on `skep server` and `skep agent`: sizes as operators write them, a clear error otherwise. */
class AppDiskFlagTest {

    @TempDir
    Path dir;

    private ServerConfig server(String... args) throws Exception {
        ServerCommand command = new ServerCommand();
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"--data-dir", dir.toString(), "--agent-id", "a1"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        new CommandLine(command).parseArgs(all);
        return command.config(Map.of());
    }

    @Test
    void theServerReadsTheSizeAndDefaultsToOneGib() throws Exception {
        assertThat(server().appDisk()).isEqualTo(1L << 30);
        assertThat(server("--app-disk", "2g").appDisk()).isEqualTo(2L << 30);
        assertThat(server("--app-disk", "512m").appDisk()).isEqualTo(512L << 20);
        assertThat(server("--app-disk", "300").appDisk()).as("MiB, like --app-memory").isEqualTo(300L << 20);
    }

    @Test
    void aBadOrTinySizeIsAUsageErrorNamingTheFlag() {
        assertThatThrownBy(() -> server("--app-disk", "lots")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--app-disk").hasMessageContaining("'lots'");
        assertThatThrownBy(() -> server("--app-disk", "8m")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("at least 16m");
    }

    @Test
    void theAgentTakesTheFlagToo() {
        AgentCommand agent = new AgentCommand();
        new CommandLine(agent).parseArgs("--zk", "127.0.0.1:2181", "--app-disk", "3g");
        assertThat(ServerCommand.appDiskBytes(new CommandLine(agent), agent.host.appDisk)).isEqualTo(3L << 30);
        AgentCommand defaults = new AgentCommand();
        new CommandLine(defaults).parseArgs("--zk", "127.0.0.1:2181");
        assertThat(defaults.host.appDisk).isEqualTo("1g");
    }
}
