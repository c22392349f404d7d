package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppUsersTest {

    @TempDir
    Path tmp;

    @Test
    void newAppsGetUidsOutsideDebiansSubordinateRangesAndTheFileIsRootsAlone() throws Exception {
        Path subuid = Files.writeString(tmp.resolve("subuid"), "alice:100000:65536\nbob:165536:65536\n");
        AppUsers users = new AppUsers(tmp.resolve("uids.json"), subuid, subuid);

        int uid = users.forApp(AppId.parse("alice/shop")).uid();

        assertThat(uid).isBetween(AppUsers.BASE, AppUsers.BASE + AppUsers.SPAN - 1).isGreaterThan(600_100_000);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("uids.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void anAppRecordedInTheFormerRangeKeepsItsUidAndAnOldReadableFileIsClosed() throws Exception {
        Path file = Files.writeString(tmp.resolve("uids.json"), "{\"alice/old\": 123456}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        AppUsers users = new AppUsers(file, tmp.resolve("none"), tmp.resolve("none"));

        assertThat(users.forApp(AppId.parse("alice/old")).uid()).isEqualTo(123456);
        assertThat(users.forApp(AppId.parse("alice/new")).uid()).isGreaterThanOrEqualTo(AppUsers.BASE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aSubordinateRangeOverlappingTheAppRangeIsRefusedSayingWhichAndWhatToDo() throws Exception {
        Path subgid = Files.writeString(tmp.resolve("subgid"), "carol:1899990000:65536\n");

        assertThatThrownBy(() -> new AppUsers(tmp.resolve("uids.json"), tmp.resolve("none"), subgid))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("carol 1899990000-1900055535")
                .hasMessageContaining("usermod");
    }

    @Test
    void twoInstallsOnOneHostGiveTheSameAppDifferentUids() throws Exception {
        Path none = tmp.resolve("none");
        AppUsers staging = new AppUsers(Files.createDirectories(tmp.resolve("staging")).resolve("uids.json"), none, none);
        AppUsers production = new AppUsers(Files.createDirectories(tmp.resolve("prod")).resolve("uids.json"), none, none);

        assertThat(staging.forApp(AppId.parse("acme/web")).uid())
                .isNotEqualTo(production.forApp(AppId.parse("acme/web")).uid());
        assertThat(new AppUsers(tmp.resolve("staging/uids.json"), none, none).forApp(AppId.parse("acme/web")))
                .isEqualTo(staging.forApp(AppId.parse("acme/web")));
    }
}
