package dev.skep.cli;

import dev.skep.model.view.AppView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** skep rollback USER/APP [N] */
@Command(name = "rollback", description = {"Run an earlier release of an app again, with the env it had.",
    "Without N: the release before the current one. `skep ps USER/APP` lists releases."})
final class RollbackCommand extends AppVerb {

    @Parameters(index = "1", arity = "0..1", paramLabel = "N", description = "the release number to run")
    Integer release;

    @Override
    public Integer call() {
        if (release != null && release < 1) {
            throw usage("N must be a release number (1 or more), found " + release);
        }
        AppView after = release == null ? client().rollback(app) : client().rollback(app, release);
        out().println("rolled back " + app + " to release v" + after.release());
        return printChanged(after);
    }
}
