package dev.skep.cli;

import dev.skep.client.MonitorClient;
import dev.skep.model.AppId;
import dev.skep.model.view.EventView;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** skep events [-f] [--app USER/APP] [--type T] [--since AGE] [-n N] */
@Command(name = "events", description = {"Show what happened: deploys, instance starts and exits, crash loops, "
        + "health, alerts.", "Lines read: TIME TYPE APP INSTANCE MESSAGE."})
final class EventsCommand extends ClientVerb {

    @Option(names = {"-f", "--follow"}, description = "keep printing new events until interrupted (Ctrl-C)")
    boolean follow;

    @Option(names = "--app", paramLabel = "USER/APP", description = "only this app's events")
    AppId app;

    @Option(names = "--type", paramLabel = "TYPE", description = "only this type, or a prefix: instance., deploy.failed")
    String type;

    @Option(names = "--since", paramLabel = "WHEN", description = "an ISO time or an age: 90s, 10m, 2h, 7d")
    String since;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "50",
            description = "how many of the newest events to show first (default: ${DEFAULT-VALUE})")
    int lines;

    @Option(names = "--json", description = "one JSON object per line (NDJSON), the API's fields, with or without -f")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = out();
        MonitorClient.EventQuery query = new MonitorClient.EventQuery(app, type, since, Math.max(1, lines));
        MonitorClient monitor = client().monitor();
        if (follow) {
            monitor.followEvents(query, e -> {
                out.println(json ? Views.json(e) : line(e));
                out.flush();
            });
            throw followEnded("the events");
        } else {
            monitor.events(query).forEach(e -> out.println(json ? Views.json(e) : line(e)));
        }
        return SkepCli.EXIT_OK;
    }

    static String line(EventView e) {
        return e.time() + " " + e.type() + " " + (e.app() == null ? "-" : e.app()) + " "
                + (e.instance() != null ? e.instance() : e.host() != null ? e.host() : "-")
                + (e.message() == null ? "" : " " + e.message());
    }
}
