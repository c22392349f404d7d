package dev.skep.supervise;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LauncherTest {

    private static final Path NODE = Path.of("/opt/node/bin/node");

    @Test
    void aLeadingNodeBecomesTheAbsoluteBinary() {
        assertThat(Launcher.argv(List.of("node", "web.js", "--mode=procfile"), NODE))
                .containsExactly("/opt/node/bin/node", "web.js", "--mode=procfile");
    }

    @Test
    void aBareScriptIsRunWithNode() {
        assertThat(Launcher.argv(List.of("server.js"), NODE)).containsExactly("/opt/node/bin/node", "server.js");
    }

    @Test
    void anythingElseRunsAsIs() {
        assertThat(Launcher.argv(List.of("./bin/www"), NODE)).containsExactly("./bin/www");
        assertThatThrownBy(() -> Launcher.argv(List.of(), NODE)).hasMessageContaining("empty start command");
    }

    @Test
    void exitValuesAbove128AreSignals() {
        assertThat(OsLaunch.describe(3)).isEqualTo("code 3");
        assertThat(OsLaunch.describe(137)).isEqualTo("signal 9");
        assertThat(OsLaunch.describe(143)).isEqualTo("signal 15");
    }
}
