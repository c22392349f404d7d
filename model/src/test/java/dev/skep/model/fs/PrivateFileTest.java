package dev.skep.model.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFileTest {

    @TempDir
    Path dir;

    @Test
    void aNewFileHoldsTheTextAndOnlyItsOwnerMayReadIt() throws Exception {
        Path file = dir.resolve("zk.secret");

        PrivateFile.write(file, "s3cret\n");

        assertThat(Files.readString(file)).isEqualTo("s3cret\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dir.resolve("zk.secret.tmp")).doesNotExist();
    }

    @Test
    void anOldFileIsReplacedAndMadePrivate() throws Exception {
        Path file = dir.resolve("admin.token");
        Files.writeString(file, "old and longer\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        PrivateFile.write(file, new byte[] {'n', 'e', 'w'});

        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aTempFileACrashLeftBehindIsTakenAwayByTheNextWrite() throws Exception {
        Path file = dir.resolve("zk.session");
        Path leftover = Files.writeString(dir.resolve("zk.session.tmp"), "half");
        Files.setPosixFilePermissions(leftover, PosixFilePermissions.fromString("rw-r--r--"));

        PrivateFile.write(file, "whole\n");

        assertThat(Files.readString(file)).isEqualTo("whole\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(leftover).doesNotExist();
    }
}
