package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secret an ensemble's skep hosts share: it must exist, be private, and be long enough. */
class ZkAclTest {

    @TempDir
    Path dir;

    private Path secretFile(String mode, String content) throws Exception {
        Path file = dir.resolve("zk.secret");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void aPrivateFileWithEnoughCharactersIsTheSecret() throws Exception {
        Path file = secretFile("rw-------", "a".repeat(64) + "\n");
        assertThat(new String(ZkAcl.fromFile(file).auth())).isEqualTo("skep:" + "a".repeat(64));
    }

    @Test
    void aMissingFileSaysHowToMakeOne() {
        assertThatThrownBy(() -> ZkAcl.fromFile(dir.resolve("nope"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("openssl rand -hex 32").hasMessageContaining("copy it to every skep host");
    }

    @Test
    void aFileOthersMayReadIsRefused() throws Exception {
        Path file = secretFile("rw-r--r--", "a".repeat(64));
        assertThatThrownBy(() -> ZkAcl.fromFile(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chmod 600");
    }

    @Test
    void aShortSecretIsRefused() throws Exception {
        Path file = secretFile("rw-------", "short");
        assertThatThrownBy(() -> ZkAcl.fromFile(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fewer than 32 characters");
    }
}
