package dev.skep.model.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NpmConfigTest {

    @Test
    void npmsUpdateCheckIsOffAtRuntimeUnlessTheAppSaysOtherwiseInAnyCase() {
        Map<String, String> plain = new HashMap<>(Map.of("NODE_ENV", "production"));
        NpmConfig.quietAtRuntime(plain);
        assertThat(plain).containsEntry("npm_config_update_notifier", "false").hasSize(2);

        Map<String, String> own = new HashMap<>(Map.of("NPM_CONFIG_UPDATE_NOTIFIER", "true"));
        NpmConfig.quietAtRuntime(own);
        assertThat(own).isEqualTo(Map.of("NPM_CONFIG_UPDATE_NOTIFIER", "true")); // the app's, and no second spelling
    }

    @Test
    void npmConfigGetAnswersAreReadWithoutItsEmptyValues() {
        assertThat(NpmConfig.parse("registry=https://mirror.test/\ncafile=null\n"))
                .isEqualTo(Map.of("registry", "https://mirror.test/"));
    }
}
