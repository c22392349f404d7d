package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a yarn or pnpm build's corepack is told of the host's npm settings: corepack fetches with node's own client, so
 * without them a host behind a company registry or a TLS proxy's CA cannot fetch yarn or pnpm at all (a user trial:
 * SELF_SIGNED_CERT_IN_CHAIN, and yarn 4 from a site the host cannot reach).
 */
class CorepackHostSettingsTest {

    @Test
    void theRegistryAndCafileNpmUsesBecomeCorepacksVariables() {
        assertThat(CorepackShims.parse("registry=https://npm.corp.example/repo/\ncafile=/etc/ssl/corp.pem\n"))
                .isEqualTo(Map.of("COREPACK_NPM_REGISTRY", "https://npm.corp.example/repo",
                        "NODE_EXTRA_CA_CERTS", "/etc/ssl/corp.pem"));
    }

    @Test
    void settingsNpmHasNotAreLeftOut() {
        assertThat(CorepackShims.parse("registry=https://npm.corp.example/\ncafile=null\n"))
                .isEqualTo(Map.of("COREPACK_NPM_REGISTRY", "https://npm.corp.example"));
        assertThat(CorepackShims.parse("")).isEmpty();
    }

    @Test
    void aRegistryWithCredentialsInItsUrlIsNotHandedToTheAppsBuild() {
        assertThat(CorepackShims.parse("registry=https://skep:s3cret@npm.corp.example/\ncafile=/etc/ssl/corp.pem\n"))
                .isEqualTo(Map.of("NODE_EXTRA_CA_CERTS", "/etc/ssl/corp.pem"));
    }

    @Test
    void theHostsOwnNpmIsReadOnceAndItsCafileIsPassedWhenItHasOne() throws Exception {
        CorepackShims shims = new CorepackShims(Path.of("/nonexistent"), System.getenv("PATH"));
        Map<String, String> first = shims.hostSettings();
        assertThat(shims.hostSettings()).isSameAs(first);
        assertThat(first).containsKey("COREPACK_NPM_REGISTRY"); // npm always has a registry
        assertThat(first.get("COREPACK_NPM_REGISTRY")).startsWith("http").doesNotEndWith("/");
    }
}
