package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.FakeSkep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skep login, whoami and logout against a fake server that checks the token. */
class LoginCommandTest extends CliTestCase {

    private CliRun cli;

    @BeforeEach
    void setUp() {
        fake.on("GET", "/v1/whoami", 200, "{\"user\":\"alice\",\"admin\":false,\"tokenId\":\"tk1\"}");
        fake.on("GET", "/v1/apps", 200, "[]");
        // nothing in the environment: what login stores is all the later commands have
        cli = new CliRun(fake, home).env("SKEP_SERVER", null).env("SKEP_TOKEN", null);
    }

    private Path loginFile() {
        return home.resolve(".config/skep/login");
    }

    @Test
    void logsInWithATokenFromStdinAndLaterCommandsUseIt() throws IOException {
        CliRun.Result login = cli.stdin(FakeSkep.TOKEN + "\n").run("login", fake.uri().toString(), "--token-stdin");

        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("logged in to " + fake.uri() + " as alice").contains(loginFile().toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(loginFile()))).isEqualTo("rw-------");
        assertThat(Files.readString(loginFile())).contains("token=" + FakeSkep.TOKEN);

        CliRun.Result whoami = cli.run("whoami");
        assertThat(whoami.exit()).as(whoami.err()).isZero();
        assertThat(whoami.out()).isEqualTo("alice at " + fake.uri() + ", token tk1 from " + loginFile() + "\n");
        assertThat(fake.last().header("Authorization")).isEqualTo("Bearer " + FakeSkep.TOKEN);

        assertThat(cli.run("ps").exit()).isZero();

        CliRun.Result json = cli.run("whoami", "--json");
        assertThat(json.out()).isEqualTo("{\"user\":\"alice\",\"admin\":false,\"tokenId\":\"tk1\",\"server\":\""
                + fake.uri() + "\",\"tokenSource\":\"" + loginFile() + "\"}\n");
    }

    @Test
    void withGitItMakesSkepGitsCredentialHelperForThatServer() throws Exception {
        CliRun.Result login = cli.stdin(FakeSkep.TOKEN + "\n").run("login", fake.uri().toString(), "--token-stdin", "--git");

        assertThat(login.exit()).as(login.err()).isZero();
        String key = "credential." + fake.uri().toString().replaceAll("/+$", "") + ".helper";
        assertThat(login.out()).contains("git push to " + fake.uri()).contains(key);
        Process get = new ProcessBuilder("git", "config", "--file", home.resolve(".gitconfig").toString(), "--get", key)
                .redirectErrorStream(true).start();
        assertThat(new String(get.getInputStream().readAllBytes()).strip()).isEqualTo("!skep git-credential");
        assertThat(get.waitFor()).isZero();
        // again: replaced, not added twice
        assertThat(cli.stdin(FakeSkep.TOKEN + "\n").run("login", fake.uri().toString(), "--token-stdin", "--git").exit())
                .isZero();
        assertThat(Files.readString(home.resolve(".gitconfig")).split("git-credential", -1)).hasSize(2);
    }

    /**
     * The real entry point, in its own JVM, with HOME apart from the JVM's user.home (sudo -E, CI): git reads
     * $HOME/.gitconfig, so that is where --git must write. It wrote to user.home's, which git push never read.
     */
    @Test
    void withGitTheRealCommandWritesTheGitconfigInDollarHome(@TempDir Path passwdHome) throws Exception {
        Path dollarHome = Files.createDirectory(home.resolve("dollar-home"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder skep = new ProcessBuilder(java, "-Duser.home=" + passwdHome, "-cp",
                System.getProperty("java.class.path"), SkepCli.class.getName(),
                "login", fake.uri().toString(), "--token-stdin", "--git").redirectErrorStream(true);
        skep.environment().put("HOME", dollarHome.toString());
        for (String name : new String[] {"XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "SKEP_SERVER", "SKEP_TOKEN"}) {
            skep.environment().remove(name);
        }
        Process process = skep.start();
        process.getOutputStream().write((FakeSkep.TOKEN + "\n").getBytes());
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();

        assertThat(dollarHome.resolve(".gitconfig")).content().contains("helper = !skep git-credential");
        assertThat(dollarHome.resolve(".config/skep/login")).content().contains("token=" + FakeSkep.TOKEN);
        assertThat(passwdHome).isEmptyDirectory();
    }

    @Test
    void aWrongTokenIsRefusedAndNothingIsStored() {
        CliRun.Result login = cli.stdin("wrong\n").run("login", fake.uri().toString(), "--token-stdin");

        assertThat(login.exit()).isEqualTo(SkepCli.EXIT_REFUSED);
        assertThat(login.err()).contains("pass a valid token");
        assertThat(loginFile()).doesNotExist();
    }

    @Test
    void anUnreachableServerIsRefusedAndNothingIsStored() {
        fake.close();
        CliRun.Result login = cli.stdin(FakeSkep.TOKEN).run("login", fake.uri().toString(), "--token-stdin");

        assertThat(login.exit()).isEqualTo(SkepCli.EXIT_UNREACHABLE);
        assertThat(loginFile()).doesNotExist();
    }

    @Test
    void noTokenAndNoTerminalSaysHowToGiveOne() {
        CliRun.Result login = cli.run("login", fake.uri().toString());

        assertThat(login.exit()).isEqualTo(SkepCli.EXIT_REFUSED);
        assertThat(login.err()).contains("no token given").contains("--token-stdin");
        CliRun.Result empty = cli.stdin("").run("login", fake.uri().toString(), "--token-stdin");
        assertThat(empty.err()).contains("no token on standard input");
        assertThat(loginFile()).doesNotExist();
    }

    @Test
    void theEnvironmentWinsOverTheStoredLogin() {
        cli.stdin(FakeSkep.TOKEN).run("login", fake.uri().toString(), "--token-stdin");

        CliRun.Result whoami = cli.env("SKEP_TOKEN", "from-env").run("whoami");

        assertThat(whoami.exit()).isEqualTo(SkepCli.EXIT_REFUSED); // the fake knows only the stored token
        assertThat(fake.last().header("Authorization")).isEqualTo("Bearer from-env");
    }

    @Test
    void logoutForgetsTheLogin() {
        cli.stdin(FakeSkep.TOKEN).run("login", fake.uri().toString(), "--token-stdin");

        CliRun.Result logout = cli.run("logout");
        assertThat(logout.out()).contains("logged out of " + fake.uri());
        assertThat(loginFile()).doesNotExist();
        assertThat(cli.run("logout").out()).contains("not logged in");

        CliRun.Result whoami = cli.run("whoami");
        assertThat(whoami.exit()).isEqualTo(SkepCli.EXIT_USAGE);
        assertThat(whoami.err()).contains("no skep token").contains("skep login");
    }

    @Test
    void honoursXdgConfigHome() {
        Path xdg = home.resolve("elsewhere");
        CliRun.Result login = cli.env("XDG_CONFIG_HOME", xdg.toString()).stdin(FakeSkep.TOKEN)
                .run("login", fake.uri().toString(), "--token-stdin");

        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(xdg.resolve("skep/login")).exists();
        assertThat(loginFile()).doesNotExist();
    }
}
