package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.FakeSkep;
import dev.skep.client.Fixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class SkepCliTest extends CliTestCase {

    private CliRun cli() {
        return new CliRun(fake, home);
    }

    @Test
    void withoutACommandItShowsTheCommandsAsAUsageError() {
        CliRun.Result result = cli().run();

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Usage: skep", "deploy", "ps", "logs", "rollback", "Exit codes");
    }

    @Test
    void printsItsVersion() {
        CliRun.Result result = cli().run("--version");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).matches("skep \\d+\\.\\d+\\.\\d+.*\\n");
    }

    @Test
    void theVersionVerbAsksTheServerToo() {
        fake.on("GET", "/version", 200, "{\"version\":\"skep 0.1.0\"}");

        CliRun.Result result = cli().run("version");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).startsWith("client: skep ")
                .contains("server: skep 0.1.0 at " + fake.uri());
    }

    @Test
    void anUnknownCommandIsAUsageErrorWithASuggestion() {
        CliRun.Result result = cli().run("dploy");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("error: Unmatched argument", "deploy");
    }

    @Test
    void theGlobalOptionsWorkBeforeAndAfterTheVerb() {
        fake.on("GET", "/v1/apps", 200, "[]");
        CliRun cli = cli().env("SKEP_SERVER", "http://127.0.0.1:1").env("SKEP_TOKEN", "wrong");

        assertThat(cli.run("--server", fake.uri().toString(), "--token", FakeSkep.TOKEN, "ps").exit()).isZero();
        assertThat(cli.run("ps", "--server", fake.uri().toString(), "--token", FakeSkep.TOKEN).exit()).isZero();
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void readsTheTokenFromTheAdminTokenFile() throws IOException {
        fake.on("GET", "/v1/apps", 200, "[]");
        Files.createDirectories(home.resolve(".skep"));
        Files.writeString(home.resolve(".skep/admin.token"), FakeSkep.TOKEN + "\n");

        assertThat(cli().env("SKEP_TOKEN", null).run("ps").exit()).isZero();
    }

    @Test
    void aMissingTokenIsAUsageErrorThatSaysHowToGiveOne() {
        CliRun.Result result = cli().env("SKEP_TOKEN", null).run("ps");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).startsWith("error: no skep token given\n").contains("--token", "SKEP_TOKEN");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void aServerThatSaysNoExitsWith1AndPrintsErrorAndDetail() {
        fake.on("POST", "/v1/apps/alice/shop/start", 404,
                "{\"error\":\"no app alice/shop\",\"detail\":\"deploy it first: skep deploy --app alice/shop\"}");

        CliRun.Result result = cli().run("start", "alice/shop");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: no app alice/shop\ndeploy it first: skep deploy --app alice/shop\n");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aRefusedTokenSaysWhereTheTokenCameFrom() {
        CliRun.Result result = cli().env("SKEP_TOKEN", "stale").run("ps");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: unauthorized\npass a valid token\n")
                .contains("the token came from SKEP_TOKEN and was sent to " + fake.uri());
    }

    @Test
    void aServerThatIsNotThereExitsWith3() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        CliRun.Result result = cli().env("SKEP_SERVER", "http://127.0.0.1:" + port).run("ps");

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.err()).startsWith(
                "error: cannot reach skep at http://127.0.0.1:" + port + ": is `skep server` running?\n");
    }

    @Test
    void anInvalidAppNameIsAUsageError() {
        CliRun.Result result = cli().run("stop", "alice/../etc");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("invalid app 'alice/../etc'", "usage: skep stop");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void everyVerbHasHelp() {
        for (String verb : new String[] {"deploy", "ps", "logs", "start", "stop", "restart", "scale", "env",
            "rollback", "delete", "version"}) {
            CliRun.Result result = cli().run(verb, "--help");
            assertThat(result.exit()).as(verb).isZero();
            assertThat(result.out()).as(verb).startsWith("Usage: skep " + verb).contains("--server");
        }
    }

    @Command(name = "server", description = "Run everything on this host.")
    static final class ServerVerb implements Callable<Integer> {
        @Option(names = "--port")
        int port;

        @Option(names = "--token", description = "the admin token to set")
        String token;

        @Override
        public Integer call() {
            return 42 + port + token.length();
        }
    }

    @Test
    void theServerModuleCanAddItsOwnVerbsWithOptionsOfTheSameName() {
        CommandLine skep = SkepCli.commandLine(Map.of(), home, Clock.systemUTC(), false);
        skep.addSubcommand(new ServerVerb());

        assertThat(skep.execute("server", "--port", "1", "--token", "abc")).isEqualTo(46);
        assertThat(CliRun.run(skep, "--help").out()).contains("server", "Run everything on this host.");
        assertThat(CliRun.run(skep, "server", "--help").out()).doesNotContain("--server", "--ca-file");
    }

    @Test
    void theVerbsServerWinsOverTheOneBeforeIt() {
        fake.on("GET", "/v1/apps", 200, "[]");

        CliRun.Result result = cli().run("--server", "http://127.0.0.1:1", "ps", "--server", fake.uri().toString());

        assertThat(result.exit()).as(result.err()).isZero();
    }

    @Test
    void theOutputIsUnchangedWhenTheServerSendsFieldsItDoesNotKnow() {
        fake.on("POST", "/v1/apps/alice/shop/stop", 200, Fixtures.shop("stopped", false, 2));

        CliRun.Result result = cli().run("stop", "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("alice/shop: stopped, release v3 (1 instance still stopping)\n");
    }
}
