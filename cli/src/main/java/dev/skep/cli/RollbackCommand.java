package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.AppView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** skep rollback USER/APP [N] */
@Command(name = "rollback", description = {"Run an earlier release of an app again, with the env it had.",
    "Without N: the release before the current one. `skep ps USER/APP` lists releases."})
final class RollbackCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Parameters(index = "1", arity = "0..1", paramLabel = "N", description = "the release number to run")
    Integer release;

    @Override
    public Integer call() {
        if (release != null && release < 1) {
            throw new ParameterException(spec.commandLine(), "N must be a release number (1 or more), found " + release);
        }
        AppView after = release == null ? skep.client(options).rollback(app) : skep.client(options).rollback(app, release);
        skep.out().println("rolled back " + app + " to release v" + after.release());
        Views.printChanged(skep.out(), after);
        return SkepCli.EXIT_OK;
    }
}
