package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `skep edge` flags: bad input is a usage error naming the flag, before anything is contacted or written. */
class EdgeCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String err) {
    }

    private Run run(String... args) {
        CommandLine cli = new CommandLine(new EdgeCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void haproxyFlagsAreCheckedFirst() {
        Run watch = run("haproxy", "--zk", "127.0.0.1:1", "--watch");
        assertThat(watch.exit()).isEqualTo(2);
        assertThat(watch.err()).contains("--watch needs --out FILE");

        Run bind = run("haproxy", "--zk", "127.0.0.1:1", "--bind", "edge.example.com:80");
        assertThat(bind.exit()).isEqualTo(2);
        assertThat(bind.err()).contains("--bind 'edge.example.com:80'").contains("not an IP address");

        Run out = run("haproxy", "--zk", "127.0.0.1:1", "--out", dir.resolve("missing/haproxy.cfg").toString());
        assertThat(out.exit()).isEqualTo(2);
        assertThat(out.err()).contains("does not exist");

        Run neither = run();
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err()).contains("skep edge haproxy ... or skep edge keepalived");
    }

    @Test
    void keepalivedWritesItsFileOrSaysWhichFlagIsWrong() throws Exception {
        Path out = dir.resolve("keepalived.conf");
        Run ok = run("keepalived", "--vip", "10.0.0.100/24", "--interface", "eth0", "--peer", "10.0.0.3",
                "--priority", "150", "--out", out.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(Files.readString(out)).contains("priority 150").contains("10.0.0.100/24 dev eth0");
        assertThat(Files.getPosixFilePermissions(out))
                .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));

        Run bad = run("keepalived", "--vip", "10.0.0.100", "--interface", "eth0", "--peer", "edge2");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--peer 'edge2' is not an IP address");
    }
}
