package dev.skep.server.hosts;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** `skep hosts ARGS` run in this JVM: its exit code and what it printed. */
record HostsRun(int code, String out, String err) {

    static HostsRun of(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new HostsCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cli.execute(args.toArray(String[]::new));
        return new HostsRun(code, out.toString(), err.toString());
    }
}
