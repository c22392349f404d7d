package dev.skep.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where `skep edge haproxy` and `skep edge keepalived` write their config: --out, else standard output. */
final class EdgeOutOption {

    @Option(names = "--out", paramLabel = "FILE", description = "write the config here (atomically); default: "
            + "standard output")
    Path out;

    /**
     * The config into --out (atomically), else onto standard output, which the caller passes in: haproxy points
     * System.out at stderr meanwhile, so that its log lines stay out of the config.
     */
    void write(String text, PrintStream stdout) throws IOException {
        if (out == null) {
            stdout.print(text);
            stdout.flush();
        } else {
            EdgeFile.write(out, text);
        }
    }
}
