package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.DomainsView;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** skep domains USER/APP | skep domains add|rm USER/APP DOMAIN */
@Command(name = "domains", description = {"List an app's hosts, or add or remove a custom domain.",
    "Point the domain's DNS at your routers; a wildcard (*.example.com) takes every name under it.",
    "  skep domains alice/shop", "  skep domains add alice/shop shop.example.com",
    "  skep domains rm alice/shop shop.example.com"})
final class DomainsCommand extends ClientVerb {

    @CommandLine.Option(names = "--json", description = "print the app's domains as one JSON document "
            + "(app, defaultHost, domains)")
    boolean json;

    @Parameters(paramLabel = "[add|rm] USER/APP [DOMAIN]", description = "what to do")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        AppAction a = AppAction.parse(spec, args, List.of("add", "rm"),
                "use: skep domains USER/APP, skep domains add USER/APP DOMAIN, or skep domains rm USER/APP DOMAIN");
        if (a.lists()) {
            print(client().domains(a.app()));
            return SkepCli.EXIT_OK;
        }
        AppId app = a.app();
        String domain = a.thing();
        boolean add = "add".equals(a.action());
        DomainsView after = add ? client().addDomain(app, domain) : client().removeDomain(app, domain);
        if (json) {
            print(after);
            return SkepCli.EXIT_OK;
        }
        out().println((add ? "added " : "removed ") + domain + (add ? " to " : " from ") + app
                + " (live on the routers within a second)");
        print(after);
        return SkepCli.EXIT_OK;
    }

    private void print(DomainsView view) {
        if (json) {
            out().println(Views.json(view));
            return;
        }
        out().println(view.defaultHost() + "  (default)");
        view.domains().forEach(out()::println);
    }
}
