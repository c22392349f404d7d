package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkepServerTest {

    @TempDir
    Path dir;

    @Test
    void aDataDirBehindAClosedParentIsRefusedWithWhatToDo() throws Exception {
        Path closed = Files.createDirectories(dir.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        assertThatThrownBy(() -> SkepServer.requireTraversable(closed.resolve("data")))
                .hasMessageContaining("cannot pass through " + closed)
                .hasMessageContaining("chmod o+x " + closed);
    }

    @Test
    void aDataDirBehindPassableParentsIsFine() throws Exception {
        Path open = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx--x--x"));
        assertThatCode(() -> SkepServer.requireTraversable(open.resolve("data"))).doesNotThrowAnyException();
    }
}
