package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** skep scale USER/APP N */
@Command(name = "scale", description = "Set how many instances of an app run.")
final class ScaleCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Parameters(index = "1", paramLabel = "N", description = "instances wanted, 0 or more")
    int instances;

    @Override
    public Integer call() {
        if (instances < 0) {
            throw new ParameterException(spec.commandLine(), "N must be 0 or more, found " + instances);
        }
        Views.printChanged(skep.out(), skep.client(options).scale(app, instances));
        return SkepCli.EXIT_OK;
    }
}
