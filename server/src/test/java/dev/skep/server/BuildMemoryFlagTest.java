package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.limits.ResourceLimits;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A build's memory (issue 10 §2): the larger of the app instance's limit and --build-memory, 2 GiB unless the admin
 * sets another (a Next.js build needs more than its server); pids and CPU stay the app's.
 */
class BuildMemoryFlagTest {

    @TempDir
    Path dir;

    private ResourceLimits buildLimits(String... args) throws Exception {
        ServerCommand command = new ServerCommand();
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"--data-dir", dir.toString(), "--agent-id", "a1"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        new CommandLine(command).parseArgs(all);
        return command.config(Map.of()).security().buildLimits();
    }

    @Test
    void aBuildGetsTwoGibOrTheAppsLimitWhicheverIsLarger() throws Exception {
        ResourceLimits defaults = buildLimits();
        assertThat(defaults.memoryBytes()).as("app 512 MiB").isEqualTo(2048 * ResourceLimits.MIB);
        assertThat(buildLimits("--app-memory", "4096").memoryBytes()).as("app 4 GiB").isEqualTo(4096 * ResourceLimits.MIB);
        assertThat(buildLimits("--app-memory", "4096").pids()).isEqualTo(buildLimits().pids());
    }

    @Test
    void theAdminSetsTheFloor() throws Exception {
        assertThat(buildLimits("--build-memory", "6144").memoryBytes()).isEqualTo(6144 * ResourceLimits.MIB);
        assertThat(buildLimits("--build-memory", "256").memoryBytes()).as("never below the app's own")
                .isEqualTo(512 * ResourceLimits.MIB);
    }
}
