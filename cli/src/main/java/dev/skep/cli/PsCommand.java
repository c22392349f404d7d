package dev.skep.cli;

import dev.skep.client.SkepApiException;
import dev.skep.client.SkepClient;
import dev.skep.model.AppId;
import dev.skep.model.view.AppView;
import dev.skep.model.view.ReleaseView;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** skep ps [USER/APP] */
@Command(name = "ps", description = {"List apps: release, instances ready/wanted, state, ports, uptime, "
        + "restarts, memory.", "With USER/APP: that app's instances, one row each, and its releases."})
final class PsCommand extends ClientVerb {

    @Parameters(arity = "0..1", paramLabel = "USER/APP", description = "show one app in detail")
    AppId app;

    @CommandLine.Mixin
    JsonDocumentOption format = new JsonDocumentOption();

    @Override
    public Integer call() throws InterruptedException {
        Instant now = skep().clock().instant();
        PrintWriter out = out();
        if (app != null && format.json) {
            out.println(Views.json(client().app(app)));
            return SkepCli.EXIT_OK;
        }
        if (app != null) {
            printOne(out, client().app(app), now);
            return SkepCli.EXIT_OK;
        }
        List<AppView> apps = withInstances(client(), client().apps());
        if (format.json) {
            out.println(Views.json(apps));
        } else if (apps.isEmpty()) {
            out.println("no apps yet: deploy one with `skep deploy --app USER/APP DIR`");
        } else {
            Views.printApps(out, apps, now);
        }
        return SkepCli.EXIT_OK;
    }

    private static void printOne(PrintWriter out, AppView view, Instant now) {
        Views.printApps(out, List.of(view), now);
        if (view.url() != null) {
            out.println("url: " + view.url());
        }
        if (view.formation() != null && !view.formation().isEmpty()) {
            out.println("formation: " + Views.formation(view.formation()));
        }
        if (view.volumes() != null && !view.volumes().isEmpty()) {
            out.println("volumes: " + String.join(", ", view.volumes()) + " (kept on agent " + view.volumesAgent()
                    + ": the app runs only there)");
        }
        out.println();
        if (Views.instances(view).isEmpty()) {
            out.println(view.running() ? "no instances yet" : "no instances: stopped (`skep start " + view.app() + "`)");
        } else {
            Views.printInstances(out, view.instances(), now);
        }
        if (view.unplaced() != null) {
            for (var u : view.unplaced()) {
                out.println(u.process() + ": " + u.missing() + " unplaced: " + u.reason());
            }
        }
        List<ReleaseView> releases = view.releases() == null ? List.of() : view.releases();
        if (!releases.isEmpty()) {
            out.println();
            Table table = new Table("RELEASE", "CREATED", "BY", "NODE", "NOTE", "COMMAND");
            for (ReleaseView r : releases) {
                table.row((r.current() ? "*" : " ") + "v" + r.number(), r.created(), r.createdBy(),
                        r.node() == null ? "host" : r.node(),
                        r.failed() == null ? r.note() : "FAILED " + r.failed(),
                        r.command() == null ? null : String.join(" ", r.command()));
            }
            table.print(out);
        }
    }

    /**
     * The list view may leave instances out; those apps that should have some are fetched one by
     * one, in parallel, so the table shows ready counts, ports and memory.
     */
    private static List<AppView> withInstances(SkepClient client, List<AppView> apps) throws InterruptedException {
        List<AppView> result = new ArrayList<>(apps);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<AppView>> details = new ArrayList<>();
            for (AppView view : apps) {
                boolean missing = view.instances() == null
                        || (view.instances().isEmpty() && view.running() && view.release() > 0
                        && view.instancesWanted() > 0);
                details.add(missing ? threads.submit(() -> client.app(AppId.parse(view.app()))) : null);
            }
            for (int i = 0; i < details.size(); i++) {
                if (details.get(i) != null) {
                    result.set(i, detailOr(details.get(i), apps.get(i)));
                }
            }
        }
        return result;
    }

    private static AppView detailOr(Future<AppView> detail, AppView listed) throws InterruptedException {
        try {
            return detail.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SkepApiException) {
                return listed; // deleted meanwhile, say: show what the list said
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
