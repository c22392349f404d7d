package dev.skep.model.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits' shell before an instance: a write past the file size limit ends the writer with SIGXFSZ (an app
 * flooding its captured output while no agent empties it stops there, not at a full host disk); none, no bound.
 */
class ConfinementTest {

    @TempDir
    Path dir;

    private Process run(ResourceLimits limits, Path out) throws Exception {
        List<String> command = new ArrayList<>(Confinement.head(limits, List.of()));
        command.addAll(List.of("dd", "if=/dev/zero", "of=" + out, "bs=1024", "count=64"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile())
                .start();
    }

    @Test
    void aWritePastTheFileSizeLimitEndsTheWriterAtTheLimit() throws Exception {
        Path out = dir.resolve("big");
        Process p = run(ResourceLimits.defaults().withMaxFileBytes(8192), out);
        assertThat(p.waitFor()).as("128 + SIGXFSZ").isEqualTo(128 + 25);
        assertThat(Files.size(out)).isEqualTo(8192);
    }

    @Test
    void withoutALimitTheWholeFileIsWritten() throws Exception {
        Path out = dir.resolve("whole");
        Process p = run(ResourceLimits.defaults(), out);
        assertThat(p.waitFor()).isZero();
        assertThat(Files.size(out)).isEqualTo(64 * 1024);
    }

    @Test
    void theLimitsReadAsTheyAreApplied() {
        assertThat(ResourceLimits.defaults().withMaxFileBytes(1024 * ResourceLimits.MIB).toString())
                .endsWith("open_files=4096 max_file=1024MiB");
        assertThat(ResourceLimits.defaults().toString()).endsWith("open_files=4096");
    }
}
