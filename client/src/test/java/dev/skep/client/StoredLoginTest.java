package dev.skep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredLoginTest {

    @TempDir
    Path home;

    private static final URI SERVER = URI.create("https://skep.example:9002");

    @Test
    void isStoredUnderXdgConfigHomeReadableByTheUserOnly() throws IOException {
        Path xdg = home.resolve("xdg");
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", xdg.toString());

        Path file = new StoredLogin(SERVER, "t0ken", null).save(env, home);

        assertThat(file).isEqualTo(xdg.resolve("skep/login"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(StoredLogin.load(env, home)).isEqualTo(new StoredLogin(SERVER, "t0ken", null));
        assertThat(Files.list(file.getParent())).containsExactly(file); // no temporary file left behind
    }

    @Test
    void defaultsToDotConfigAndIsForgotten() {
        new StoredLogin(SERVER, "t0ken", home.resolve("ca.pem")).save(Map.of(), home);
        assertThat(Files.exists(home.resolve(".config/skep/login"))).isTrue();
        assertThat(StoredLogin.load(Map.of(), home).caFile()).isEqualTo(home.resolve("ca.pem"));

        assertThat(StoredLogin.delete(Map.of(), home)).isTrue();
        assertThat(StoredLogin.load(Map.of(), home)).isNull();
        assertThat(StoredLogin.delete(Map.of(), home)).isFalse();
    }

    @Test
    void aStoredLoginIsUsedWhenNothingElseIsGiven() {
        new StoredLogin(SERVER, "stored", home.resolve("ca.pem")).save(Map.of(), home);

        ClientConfig config = ClientConfig.resolve(null, null, null, Map.of(), home);

        assertThat(config.server()).isEqualTo(SERVER);
        assertThat(config.token()).isEqualTo("stored");
        assertThat(config.caFile()).isEqualTo(home.resolve("ca.pem"));
        assertThat(config.tokenSource()).isEqualTo(home.resolve(".config/skep/login").toString());
    }

    @Test
    void flagsAndEnvironmentWinOverTheStoredLogin() {
        new StoredLogin(SERVER, "stored", null).save(Map.of(), home);

        ClientConfig env = ClientConfig.resolve(null, null, null, Map.of("SKEP_TOKEN", "env"), home);
        assertThat(env.server()).isEqualTo(SERVER);
        assertThat(env.token()).isEqualTo("env");

        ClientConfig flag = ClientConfig.resolve(null, "flag", null, Map.of("SKEP_TOKEN", "env"), home);
        assertThat(flag.token()).isEqualTo("flag");
    }

    @Test
    void theStoredTokenNeverGoesToAnotherServer() throws IOException {
        new StoredLogin(SERVER, "stored", null).save(Map.of(), home);
        Path data = Files.createDirectories(home.resolve(".skep"));
        Files.writeString(data.resolve("admin.token"), "file-token");

        ClientConfig config = ClientConfig.resolve("http://other:9002", null, null, Map.of(), home);

        assertThat(config.server()).isEqualTo(URI.create("http://other:9002"));
        assertThat(config.token()).isEqualTo("file-token");
        // the same server, written differently, is the same server
        assertThat(ClientConfig.resolve("https://skep.example:9002/", null, null, Map.of(), home).token())
                .isEqualTo("stored");
    }

    @Test
    void aBrokenStoredLoginSaysWhatToDo() throws IOException {
        Path dir = Files.createDirectories(home.resolve(".config/skep"));
        Files.writeString(dir.resolve("login"), "server=https://skep.example\n");

        assertThatThrownBy(() -> ClientConfig.resolve(null, null, null, Map.of(), home))
                .isInstanceOf(ClientConfigException.class)
                .hasMessageContaining("has no server or no token")
                .satisfies(e -> assertThat(((ClientConfigException) e).detail()).contains("skep logout"));
    }
}
