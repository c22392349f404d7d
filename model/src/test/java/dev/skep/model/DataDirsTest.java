package dev.skep.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataDirsTest {

    private static final Path PASSWD_HOME = Path.of("/home/from-passwd");

    @Test
    void homeIsDollarHomeWhenSetAsGitAndTheShellSeeIt() {
        assertThat(DataDirs.home(Map.of("HOME", "/tmp/elsewhere"), PASSWD_HOME)).isEqualTo(Path.of("/tmp/elsewhere"));
        assertThat(DataDirs.resolve(Map.of(), DataDirs.home(Map.of("HOME", "/tmp/elsewhere"), PASSWD_HOME), false))
                .isEqualTo(Path.of("/tmp/elsewhere/.skep"));
    }

    @Test
    void homeFallsBackToThePasswdHomeWhenHomeIsUnsetEmptyOrRelative() {
        Map<String, String> unset = new HashMap<>();
        assertThat(DataDirs.home(unset, PASSWD_HOME)).isEqualTo(PASSWD_HOME);
        assertThat(DataDirs.home(Map.of("HOME", ""), PASSWD_HOME)).isEqualTo(PASSWD_HOME);
        assertThat(DataDirs.home(Map.of("HOME", "relative/dir"), PASSWD_HOME)).isEqualTo(PASSWD_HOME);
    }

    @Test
    void aGivenDataDirWinsOverTheEnvironmentAndComesBackAbsolute() {
        Map<String, String> env = Map.of("SKEP_DATA_DIR", "/srv/skep");
        assertThat(DataDirs.orDefault(Path.of("mine"), env)).isEqualTo(Path.of("mine").toAbsolutePath());
        assertThat(DataDirs.orDefault(null, env)).isEqualTo(Path.of("/srv/skep"));
    }
}
