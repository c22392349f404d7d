package dev.skep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {

    @TempDir
    Path home;

    @Test
    void theFlagsWinOverTheEnvironment() {
        ClientConfig config = ClientConfig.resolve("http://a:1", "flag-token",
                Map.of("SKEP_SERVER", "http://b:2", "SKEP_TOKEN", "env-token"), home);

        assertThat(config.server()).isEqualTo(URI.create("http://a:1"));
        assertThat(config.token()).isEqualTo("flag-token");
        assertThat(config.tokenSource()).isEqualTo("--token");
    }

    @Test
    void theEnvironmentWinsOverTheDefaults() throws IOException {
        writeToken(home.resolve(".skep"), "file-token");

        ClientConfig config = ClientConfig.resolve(null, null,
                Map.of("SKEP_SERVER", "https://skep.example/", "SKEP_TOKEN", "env-token"), home);

        assertThat(config.server()).isEqualTo(URI.create("https://skep.example"));
        assertThat(config.token()).isEqualTo("env-token");
    }

    @Test
    void defaultsToTheLocalServerAndTheAdminTokenFileInHome() throws IOException {
        writeToken(home.resolve(".skep"), "  file-token\n");

        ClientConfig config = ClientConfig.resolve(null, "", Map.of(), home);

        assertThat(config.server()).isEqualTo(URI.create("http://127.0.0.1:9002"));
        assertThat(config.token()).isEqualTo("file-token");
        assertThat(config.tokenSource()).isEqualTo(home.resolve(".skep/admin.token").toString());
    }

    @Test
    void readsTheTokenFileFromTheDataDirWhenSet() throws IOException {
        Path data = Files.createDirectories(home.resolve("data"));
        writeToken(data, "data-token");

        ClientConfig config = ClientConfig.resolve(null, null, Map.of("SKEP_DATA_DIR", data.toString()), home);

        assertThat(config.token()).isEqualTo("data-token");
    }

    @Test
    void aMissingTokenNamesBothWaysToGiveIt() {
        assertThatThrownBy(() -> ClientConfig.resolve(null, null, Map.of(), home))
                .isInstanceOfSatisfying(ClientConfigException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("no skep token given");
                    assertThat(e.detail()).contains("--token TOKEN", "SKEP_TOKEN",
                            home.resolve(".skep/admin.token").toString());
                });
    }

    @Test
    void anEmptyTokenFileIsAMissingToken() throws IOException {
        writeToken(home.resolve(".skep"), "\n");

        assertThatThrownBy(() -> ClientConfig.resolve(null, null, Map.of(), home))
                .isInstanceOf(ClientConfigException.class)
                .hasMessageContaining("is empty");
    }

    @Test
    void takesABareHostAndPortAsHttp() {
        assertThat(ClientConfig.resolve("10.0.0.5:9002", "t", Map.of(), home).server())
                .isEqualTo(URI.create("http://10.0.0.5:9002"));
    }

    @Test
    void rejectsAServerThatIsNotAWebAddress() {
        assertThatThrownBy(() -> ClientConfig.resolve("ftp://x", "t", Map.of(), home))
                .isInstanceOfSatisfying(ClientConfigException.class,
                        e -> assertThat(e.detail()).contains("http://HOST:PORT"));
    }

    @Test
    void takesTheCaFileFromTheFlagOrTheEnvironment() {
        assertThat(ClientConfig.resolve(null, "t", "/a/ca.pem", Map.of("SKEP_CA_FILE", "/b/ca.pem"), home).caFile())
                .isEqualTo(Path.of("/a/ca.pem"));
        assertThat(ClientConfig.resolve(null, "t", Map.of("SKEP_CA_FILE", "/b/ca.pem"), home).caFile())
                .isEqualTo(Path.of("/b/ca.pem"));
    }

    @Test
    void neverPrintsTheToken() {
        assertThat(ClientConfig.resolve(null, "secret-token", Map.of(), home).toString()).doesNotContain("secret");
    }

    private static void writeToken(Path dir, String token) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("admin.token"), token);
    }
}
