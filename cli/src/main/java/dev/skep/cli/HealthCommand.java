package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.HealthView;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** skep health USER/APP, and its verbs set, rm. */
@Command(name = "health", description = {"Show an app's health check.",
    "A failing instance leaves the route table at once, returns when it answers again, and is restarted after "
        + "--restart-after."},
        subcommands = {HealthSetCommand.class, HealthRmCommand.class})
final class HealthCommand extends ShowVerb<HealthView> {

    @CommandLine.Option(names = "--json", description = "print the check as one JSON document (the API's "
            + "fields, durations in seconds)")
    void json(boolean on) {
        json = on;
    }

    @Override
    HealthView fetch(AppId app) {
        return client().monitor().health(app);
    }

    @Override
    void show(PrintWriter out, AppId app, HealthView check) {
        print(out, app, check);
    }

    static void print(PrintWriter out, AppId app, HealthView h) {
        out.println("app:           " + app);
        if (h.type() == null || h.type().equals("off")) {
            out.println("check:         off (ready when the port accepts a connection; no checks while running)");
            return;
        }
        out.println("check:         " + (h.type().equals("http") ? "http GET " + h.path() + " answers 2xx/3xx"
                : "tcp connect to the port"));
        out.println("interval:      " + seconds(h.interval()));
        out.println("timeout:       " + seconds(h.timeout()));
        out.println("failures:      " + h.failures() + " in a row make an instance unhealthy");
        out.println("restart after: " + seconds(h.restartAfter()) + " unhealthy");
    }

    /** 5.0 -> "5s", 0.25 -> "250ms", 90 -> "90s". */
    static String seconds(Double s) {
        if (s == null) {
            return "-";
        }
        if (s < 1) {
            return Math.round(s * 1000) + "ms";
        }
        return s == Math.rint(s) ? (long) (double) s + "s" : String.format(Locale.ROOT, "%.1fs", s);
    }
}
