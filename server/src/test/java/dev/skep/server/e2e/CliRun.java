package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.cli.SkepCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** One run of the skep CLI inside the test JVM, as a user types it: its exit code and what it printed. */
record CliRun(List<String> command, int exit, String out, String err) {

    /** Runs {@code args} with {@code env} as the CLI's environment and {@code home} as its home. */
    static CliRun of(Map<String, String> env, Path home, String... args) {
        CommandLine cli = SkepCli.commandLine(env, home, Clock.systemUTC(), false);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(List.of(args), exit, out.toString(), err.toString());
    }

    /** Against {@code server}, with the admin token it keeps in its data dir (as on the server's own host). */
    static CliRun against(SkepServerProcess server, Path home, String... args) {
        return of(Map.of("SKEP_SERVER", "http://127.0.0.1:" + server.apiPort,
                "SKEP_DATA_DIR", server.dataDir.toString()), home, args);
    }

    /** Asserts the exit code, with the command and its output in the failure. */
    CliRun expect(int code) {
        assertThat(exit).as("skep " + String.join(" ", command) + "\n" + out + err).isEqualTo(code);
        return this;
    }

    /** Standard output, then standard error. */
    String all() {
        return out + err;
    }
}
