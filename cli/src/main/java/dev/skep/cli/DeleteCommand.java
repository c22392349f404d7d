package dev.skep.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** skep delete USER/APP --yes */
@Command(name = "delete", description = "Delete an app: stop its instances, drop its releases and env.")
final class DeleteCommand extends AppVerb {

    @Option(names = "--yes", description = "confirm: there is no undo")
    boolean yes;

    @Override
    public Integer call() {
        if (!yes) {
            throw usage("this deletes " + app
                    + " with all its releases and env, with no undo; add --yes to go ahead");
        }
        client().delete(app);
        return done("deleted " + app);
    }
}
