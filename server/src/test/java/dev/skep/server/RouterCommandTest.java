package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `skep router`'s own flags, refused before anything starts. */
class RouterCommandTest {

    @Test
    void aWakeTimeoutOfZeroIsAUsageErrorNamingTheFlag() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RouterCommand()).setErr(new PrintWriter(err));
        int exit = cli.execute("--zk", "127.0.0.1:1", "--wake-timeout", "0");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--wake-timeout must be a number of seconds above 0");
    }
}
