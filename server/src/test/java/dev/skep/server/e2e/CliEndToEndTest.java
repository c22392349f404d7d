package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skep.cli.SkepCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI verbs against a real `skep server`: what a person types, and what comes back. */
class CliEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static CliRun skep(String... args) {
        return CliRun.against(server, dir, args);
    }

    /** A copy of a fixture app with extra files, so .skepignore and redeploys can be shown. */
    static Path appCopy(String fixture, String name) throws Exception {
        Path copy = Files.createDirectories(dir.resolve(name));
        try (var files = Files.list(Fixtures.app(fixture))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    @Test
    void deployPsLogsEnvAndRollback() throws Exception {
        Path app = appCopy("hello", "hello-cli");
        Files.writeString(app.resolve(".skepignore"), "secrets/\n*.log\n");
        Files.createDirectories(app.resolve("secrets"));
        Files.writeString(app.resolve("secrets/key"), "do not ship");
        Files.writeString(app.resolve("debug.log"), "do not ship either");

        CliRun deploy = skep("deploy", app.toString(), "--app", "alice/cli");
        assertThat(deploy.exit()).as(deploy.err()).isZero();
        assertThat(deploy.out()).contains("alice/cli").contains("cli.alice.localhost");
        Path slugs = server.dataDir.resolve("slugs");
        try (var list = Files.list(slugs)) {
            Path slug = list.filter(p -> p.getFileName().toString().startsWith("alice.cli.")).findFirst().orElseThrow();
            assertThat(slug.resolve("server.js")).exists();
            assertThat(slug.resolve("secrets")).doesNotExist();
            assertThat(slug.resolve("debug.log")).doesNotExist();
        }

        CliRun ps = skep("ps");
        assertThat(ps.exit()).isZero();
        assertThat(ps.out()).contains("alice/cli").contains("running");
        CliRun psApp = skep("ps", "alice/cli");
        assertThat(psApp.out()).contains("alice.cli.1.").contains("ready");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(skep("logs", "alice/cli").out()).contains("stdout listening on"));
        // --json against the real server: its log lines parse into their fields, every one of them
        CliRun logs = skep("logs", "alice/cli", "--json");
        assertThat(logs.out().lines()).isNotEmpty().allSatisfy(line -> assertThat(line)
                .startsWith("{\"time\":\"").contains("\"instance\":\"alice.cli.1.").containsPattern("\"stream\":\"std(out|err)\""));
        assertThat(logs.out()).contains("\"text\":\"listening on");
        assertThat(skep("top", "--once", "--json").out()).startsWith("{\"time\":").contains("{\"app\":\"alice/cli\"");
        assertThat(skep("events", "--app", "alice/cli", "--json").out().lines()).isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("{\"time\":").contains("\"app\":\"alice/cli\""));

        CliRun set = skep("env", "alice/cli", "set", "GREETING=bonjour");
        assertThat(set.exit()).as(set.err()).isZero();
        CliRun env = skep("env", "alice/cli");
        assertThat(env.out()).contains("GREETING").contains("bonjour");
        assertThat(skep("env", "alice/cli", "--json").out())
                .isEqualTo("{\"app\":\"alice/cli\",\"release\":2,\"env\":{\"GREETING\":\"bonjour\"}}\n");
        assertThat(Http.hosted(server.routerPort, "cli.alice.localhost", "/").body()).startsWith("bonjour from alice.cli.2.");

        CliRun rollback = skep("rollback", "alice/cli");
        assertThat(rollback.exit()).as(rollback.err()).isZero();
        assertThat(Http.hosted(server.routerPort, "cli.alice.localhost", "/").body()).startsWith("hello from alice.cli.1.");
        // release 1's config vars came back with it (they once stayed the release 2 ones, and the next deploy ran them)
        CliRun envAfter = skep("env", "alice/cli");
        assertThat(envAfter.exit()).as(envAfter.err()).isZero();
        assertThat(envAfter.out()).doesNotContain("GREETING");
    }

    @Test
    void aRefusedCallExitsOneWithTheServersReason() {
        CliRun run = skep("restart", "alice/nothing-here");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("no app alice/nothing-here");
    }

    @Test
    void anUnreachableServerExitsThree() {
        CommandLine cli = SkepCli.commandLine(Map.of("SKEP_SERVER", "http://127.0.0.1:9", "SKEP_TOKEN", "x"),
                dir, Clock.systemUTC(), false);
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("ps")).isEqualTo(3);
    }

}
