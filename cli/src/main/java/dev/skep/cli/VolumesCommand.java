package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.VolumesView;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** skep volumes USER/APP | skep volumes add|rm|export USER/APP PATH */
@Command(name = "volumes", description = {"List an app's volumes, add or remove one, or export one as a tar.gz.",
    "A volume is a directory of the app (PATH, relative to its root) that survives deploys, rollbacks and",
    "restarts; everything else an instance writes is its own and gone at its next start. An app with",
    "volumes runs only on the agent that keeps them. Adding or removing one replaces the instances, rolling.",
    "  skep volumes alice/shop", "  skep volumes add alice/shop data",
    "  skep volumes rm alice/shop data [--purge]", "  skep volumes export alice/shop data > data.tar.gz"})
final class VolumesCommand extends ClientVerb {

    @Option(names = "--purge", description = "with rm: delete the volume's data too (otherwise it is kept)")
    boolean purge;

    @Option(names = "--json", description = "print the app's volumes as one JSON document (app, agent, volumes, disk)")
    boolean json;

    @Parameters(paramLabel = "[add|rm|export] USER/APP [PATH]", description = "what to do")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        AppAction a = AppAction.parse(spec, args, List.of("add", "rm", "export"), "use: skep volumes USER/APP, "
                + "skep volumes add|rm USER/APP PATH [--purge], or skep volumes export USER/APP PATH > FILE.tar.gz");
        if (a.lists()) {
            print(client().volumes(a.app()));
            return SkepCli.EXIT_OK;
        }
        AppId app = a.app();
        String path = a.thing();
        if (json && a.action().equals("export")) {
            throw usage("export writes a tar.gz, not JSON: leave out --json");
        }
        if (json) {
            print("add".equals(a.action()) ? client().addVolume(app, path)
                    : client().removeVolume(app, path, purge));
            return SkepCli.EXIT_OK;
        }
        switch (a.action()) {
            case "add" -> {
                VolumesView after = client().addVolume(app, path);
                out().println("added volume " + path + " to " + app + " on agent " + after.agent()
                        + "; its instances are replaced, rolling, by ones that mount it");
                print(after);
            }
            case "rm" -> {
                VolumesView after = client().removeVolume(app, path, purge);
                out().println("removed volume " + path + " from " + app
                        + (purge ? " and deleted its data" : " (its data is kept: add it again to get it back)"));
                print(after);
            }
            default -> {
                out().flush();
                client().exportVolume(app, path, System.out);
                System.out.flush();
            }
        }
        return SkepCli.EXIT_OK;
    }

    private void print(VolumesView view) {
        if (json) {
            out().println(Views.json(view));
            return;
        }
        if (view.disk() != null) {
            out().println("disk: " + Format.bytes(view.disk().used()) + " / " + Format.bytes(view.disk().quota())
                    + (view.disk().mode().equals("loop") ? " (enforced)" : " (measured, not enforced)"));
        }
        if (view.volumes().isEmpty()) {
            out().println(view.app() + " has no volumes");
            return;
        }
        out().printf("%-30s %-16s %12s%n", "PATH", "AGENT", "SIZE");
        for (VolumesView.Entry v : view.volumes()) {
            out().printf("%-30s %-16s %12s%n", v.path(), v.agent(),
                    v.bytes() == null ? "(elsewhere)" : Format.bytes(v.bytes()));
        }
    }
}
