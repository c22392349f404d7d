package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The router's connection caps as `skep server` flags. */
class EdgeOptionsTest {

    @TempDir
    Path dir;

    private ServerConfig server(String... extra) throws Exception {
        return ServerFlags.config(dir, extra);
    }

    @Test
    void connectionCapsDefaultAndReachTheEdgeConfig() throws Exception {
        EdgeConfig defaults = server().router().edge();
        assertThat(defaults.maxConnections()).isEqualTo(10_000);
        assertThat(defaults.maxConnectionsPerIp()).isEqualTo(256);
        EdgeConfig set = server("--max-connections", "5000", "--max-connections-per-ip", "64").router().edge();
        assertThat(set.maxConnections()).isEqualTo(5000);
        assertThat(set.maxConnectionsPerIp()).isEqualTo(64);
    }

    @Test
    void aZeroCapIsAUsageError() {
        assertThatThrownBy(() -> server("--max-connections-per-ip", "0"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--max-connections-per-ip");
    }
}
