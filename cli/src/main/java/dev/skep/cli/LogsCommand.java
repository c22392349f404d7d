package dev.skep.cli;

import dev.skep.model.AppId;
import java.io.PrintWriter;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** skep logs [-f] [-n N] USER/APP, skep logs --build [--release N] USER/APP */
@Command(name = "logs", description = {"Show an app's log: every instance, stdout and stderr, oldest first.",
    "Lines read: TIME INSTANCE STREAM TEXT."})
final class LogsCommand extends ClientVerb {

    @Option(names = {"-f", "--follow"}, description = "keep printing new lines until interrupted (Ctrl-C)")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "100",
            description = "how many of the last lines to show first (default: ${DEFAULT-VALUE})")
    int lines;

    @Option(names = "--build", description = "the newest deploy's whole output (install, build, release phase, "
            + "rollout) instead of the app's log; a failed build's too")
    boolean build;

    @Option(names = "--release", paramLabel = "N", description = "with --build: release N's deploy output")
    Integer release;

    @Option(names = "--json", description = "one JSON object per line (NDJSON): time, instance, stream, text "
            + "(with --build: time, stage, text)")
    boolean json;

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Override
    public Integer call() {
        if (lines < 0) {
            throw usage("-n must be 0 or more, found " + lines);
        }
        if (release != null && !build) {
            throw usage("--release N goes with --build (release N's build log)");
        }
        PrintWriter out = out();
        if (build) {
            try (Stream<String> log = client().buildLog(app, release)) {
                log.forEach(line -> out.println(json ? Views.json(LogLine.build(line)) : line));
            }
            return SkepCli.EXIT_OK;
        }
        try (Stream<String> log = client().logs(app, lines, follow)) {
            log.forEach(line -> {
                if (line.isEmpty()) {
                    return; // the server's keep-alive while following: every line of an app starts with its time
                }
                out.println(json ? Views.json(LogLine.app(line)) : line);
                if (follow) {
                    out.flush();
                }
            });
        }
        if (follow) {
            out.flush();
            throw followEnded("the log of " + app);
        }
        return SkepCli.EXIT_OK;
    }
}
