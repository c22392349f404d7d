package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `skep controller` takes the API flags of `skep server`: upload limits and HTTPS. */
class ControllerCommandTest {

    @TempDir
    Path dir;

    private ControllerCommand parse(String... args) {
        ControllerCommand command = new ControllerCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void uploadLimitsAndApiTlsReachTheConfig() throws Exception {
        ControllerCommand command = parse("--zk", "127.0.0.1:2181", "--id", "c1", "--max-upload-mb", "5",
                "--max-unpacked-mb", "50", "--max-entries", "1000", "--api-tls-cert", "api.crt", "--api-tls-key", "api.key");
        ControllerSettings config = command.settings(dir);

        assertThat(config.uploadLimits().maxCompressedBytes()).isEqualTo(5L << 20);
        assertThat(config.uploadLimits().maxUnpackedBytes()).isEqualTo(50L << 20);
        assertThat(config.uploadLimits().maxEntries()).isEqualTo(1000);
        assertThat(config.security().tls()).isTrue();
        assertThat(config.security().apiTlsCert()).isAbsolute().hasFileName("api.crt");
    }

    @Test
    void theDefaultsMatchTheServers() throws Exception {
        ControllerSettings controller = parse("--zk", "127.0.0.1:2181", "--id", "c1").settings(dir);
        ServerCommand server = new ServerCommand();
        new CommandLine(server).parseArgs("--data-dir", dir.toString(), "--agent-id", "a1");
        assertThat(controller.uploadLimits()).isEqualTo(server.config(Map.of()).controller().uploadLimits());
        assertThat(controller.security().tls()).isFalse();
    }

    @Test
    void aCertificateWithoutItsKeyIsRefusedWithTheFlagsNamed() {
        ControllerCommand command = parse("--zk", "127.0.0.1:2181", "--id", "c1", "--api-tls-cert", "api.crt");
        assertThatThrownBy(() -> command.settings(dir)).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--api-tls-key");
    }
}
