package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.ReleaseView;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** skep releases USER/APP */
@Command(name = "releases", description = {"List an app's releases, newest first: status (live, deploying, failed, "
        + "superseded, rolled back), age, who made it, slug size, build time and what it was.",
    "`skep logs --build --release N USER/APP` shows how one was built."})
final class ReleasesCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @picocli.CommandLine.Option(names = "--json", description = "print one JSON document (the API's fields), no table")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = skep.out();
        List<ReleaseView> releases = skep.client(options).releases(app);
        if (json) {
            out.println(Views.json(releases));
            return SkepCli.EXIT_OK;
        }
        if (releases.isEmpty()) {
            out.println("no releases yet: deploy one with `skep deploy --app " + app + " DIR`");
            return SkepCli.EXIT_OK;
        }
        Instant now = skep.clock().instant();
        Table table = new Table("RELEASE", "STATUS", "CREATED", "BY", "NODE", "SIZE", "BUILD", "NOTE");
        for (ReleaseView r : releases) {
            table.row("v" + r.number(), r.status(), Format.duration(Duration.between(r.created(), now)) + " ago",
                    r.createdBy(), r.node() == null ? "host" : r.node(),
                    r.slugBytes() == null ? null : Format.bytes(r.slugBytes()), build(r),
                    r.failed() == null ? r.note() : r.note() + ": " + r.failed());
        }
        table.print(out);
        return SkepCli.EXIT_OK;
    }

    private static String build(ReleaseView r) {
        if (r.buildMillis() == null) {
            return null;
        }
        return r.buildMillis() == 0 ? "reused" : Format.millis(r.buildMillis());
    }
}
