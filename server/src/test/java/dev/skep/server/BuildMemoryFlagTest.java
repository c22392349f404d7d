package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.limits.ResourceLimits;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build's memory (issue 10 §2): the larger of the app instance's limit and --build-memory, 2 GiB unless the admin
 * sets another (a Next.js build needs more than its server); pids and CPU stay the app's.
 */
class BuildMemoryFlagTest {

    @TempDir
    Path dir;

    private ResourceLimits buildLimits(String... args) throws Exception {
        return ServerFlags.config(dir, args).controller().security().buildLimits();
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
