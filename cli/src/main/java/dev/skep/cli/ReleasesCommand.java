package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.ReleaseView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** skep releases USER/APP */
@Command(name = "releases", description = {"List an app's releases, newest first: status (live, deploying, failed, "
        + "superseded, rolled back), age, who made it, slug size, build time and what it was.",
    "`skep logs --build --release N USER/APP` shows how one was built."})
final class ReleasesCommand extends ListVerb<ReleaseView> {

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Override
    List<ReleaseView> items() {
        return client().releases(app);
    }

    @Override
    String empty() {
        return "no releases yet: deploy one with `skep deploy --app " + app + " DIR`";
    }

    @Override
    Table table() {
        return new Table("RELEASE", "STATUS", "CREATED", "BY", "NODE", "SIZE", "BUILD", "NOTE");
    }

    @Override
    Object[] row(ReleaseView r) {
        Instant now = skep().clock().instant();
        return new Object[] {"v" + r.number(), r.status(), Format.duration(Duration.between(r.created(), now)) + " ago",
            r.createdBy(), r.node() == null ? "host" : r.node(), r.slugBytes() == null ? null : Format.bytes(r.slugBytes()),
            build(r), r.failed() == null ? r.note() : r.note() + ": " + r.failed()};
    }

    private static String build(ReleaseView r) {
        if (r.buildMillis() == null) {
            return null;
        }
        return r.buildMillis() == 0 ? "reused" : Format.millis(r.buildMillis());
    }
}
