package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What every `skep hosts` verb does with a failure: one line "skep hosts VERB: why" on stderr, exit 1. */
class HostsVerbTest {

    @TempDir
    Path data;

    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new HostsCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }

    @Test
    void removingAHostThisMachineNeverAddedNamesTheVerbAndExits1() {
        int exit = run("--data-dir", data.toString(), "rm", "ghost");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("skep hosts rm: no host 'ghost'");
    }

    @Test
    void upgradingAHostThisMachineNeverAddedNamesTheVerbAndExits1() {
        int exit = run("--data-dir", data.toString(), "upgrade", "ghost");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("skep hosts upgrade: no host 'ghost' was added from this machine");
    }

    @Test
    void addingWithAnUnknownRoleNamesTheVerbAndExits1() {
        int exit = run("--data-dir", data.toString(), "add", "ssh://root@127.0.0.1", "--role", "edge");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("skep hosts add: --role must be agent or router, found 'edge'"
                + System.lineSeparator());
    }
}
