package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stop commands rm and add --force run there, run for real with sh on this machine. */
class RoleStopTest {

    @TempDir
    Path dir;

    private static int sh(String command) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void processesWorkingUnderTheDirStopAndOthersDoNot() throws Exception {
        Path installed = Files.createDirectories(dir.resolve("skep/data/app"));
        Path beside = Files.createDirectories(dir.resolve("skep-other"));
        Process app = new ProcessBuilder("sleep", "300").directory(installed.toFile()).start();
        Process other = new ProcessBuilder("sleep", "300").directory(beside.toFile()).start();
        try {
            assertThat(sh(RoleStop.processesUnder(dir.resolve("skep").toString()))).isZero();
            assertThat(app.waitFor(5, TimeUnit.SECONDS)).as("the app under the dir").isTrue();
            assertThat(other.isAlive()).as("a process in a dir that only starts with the same name").isTrue();
        } finally {
            app.destroyForcibly();
            other.destroyForcibly();
        }
    }

    @Test
    void theRestartLoopNamedInRunIsStoppedAndWaitedFor() throws Exception {
        Path skep = Files.createDirectories(dir.resolve("skep/run")).getParent();
        Process loop = new ProcessBuilder("sleep", "300").start();
        try {
            Files.writeString(skep.resolve("run/supervisor.pid"), loop.pid() + "\n");
            assertThat(sh(RoleStop.detached(skep.toString()))).isZero();
            assertThat(loop.isAlive()).isFalse();
            assertThat(skep.resolve("run/stop")).exists();
            assertThat(sh(RoleStop.unmountAndRemove(skep.toString()))).isZero();
            assertThat(skep).doesNotExist();
        } finally {
            loop.destroyForcibly();
        }
    }
}
