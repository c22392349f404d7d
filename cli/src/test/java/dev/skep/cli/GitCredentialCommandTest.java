package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.FakeSkep;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** skep git-credential: git's credential helper protocol, answered from what skep login stored. */
class GitCredentialCommandTest extends CliTestCase {

    private CliRun cli;

    @BeforeEach
    void setUp() {
        fake.on("GET", "/v1/whoami", 200, "{\"user\":\"alice\",\"admin\":false,\"tokenId\":\"tk1\"}");
        cli = new CliRun(fake, home).env("SKEP_SERVER", null).env("SKEP_TOKEN", null);
    }

    private String ask(String operation, URI server) {
        CliRun.Result run = cli.stdin("protocol=" + server.getScheme() + "\nhost=" + server.getHost() + ":"
                + server.getPort() + "\npath=git/alice/shop.git\n\n").run("git-credential", operation);
        assertThat(run.exit()).as(run.err()).isZero();
        return run.out();
    }

    @Test
    void answersGetWithTheStoredTokenForTheStoredServerOnly() {
        assertThat(ask("get", fake.uri())).as("not logged in: nothing, git asks").isEmpty();
        CliRun.Result login = cli.stdin(FakeSkep.TOKEN + "\n").run("login", fake.uri().toString(), "--token-stdin");
        assertThat(login.exit()).as(login.err()).isZero();

        assertThat(ask("get", fake.uri())).isEqualTo("username=skep\npassword=" + FakeSkep.TOKEN + "\n");
        URI other = URI.create("http://" + fake.uri().getHost() + ":" + (fake.uri().getPort() + 1));
        assertThat(ask("get", other)).as("another server never gets the token").isEmpty();
        assertThat(ask("store", fake.uri())).isEmpty();
        assertThat(ask("erase", fake.uri())).isEmpty();
    }

    @Test
    void matchesSchemeHostAndPortAsGitNamesThem() {
        URI https = URI.create("https://skep.example.com");
        assertThat(GitCredentialCommand.sameServer(https, Map.of("protocol", "https", "host", "skep.example.com")))
                .isTrue();
        assertThat(GitCredentialCommand.sameServer(URI.create("https://skep.example.com:443"),
                Map.of("protocol", "https", "host", "skep.example.com"))).isTrue();
        assertThat(GitCredentialCommand.sameServer(https, Map.of("protocol", "http", "host", "skep.example.com")))
                .isFalse();
        assertThat(GitCredentialCommand.sameServer(URI.create("http://127.0.0.1:9002"),
                Map.of("protocol", "http", "host", "127.0.0.1:9002"))).isTrue();
        assertThat(GitCredentialCommand.sameServer(URI.create("http://127.0.0.1:9002"),
                Map.of("protocol", "http", "host", "127.0.0.1"))).isFalse();
        assertThat(GitCredentialCommand.sameServer(https, Map.of("protocol", "https"))).isFalse();
    }
}
