package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** skep delete USER/APP --yes */
@Command(name = "delete", description = "Delete an app: stop its instances, drop its releases and env.")
final class DeleteCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Option(names = "--yes", description = "confirm: there is no undo")
    boolean yes;

    @Override
    public Integer call() {
        if (!yes) {
            throw new ParameterException(spec.commandLine(), "this deletes " + app
                    + " with all its releases and env, with no undo; add --yes to go ahead");
        }
        skep.client(options).delete(app);
        skep.out().println("deleted " + app);
        return SkepCli.EXIT_OK;
    }
}
