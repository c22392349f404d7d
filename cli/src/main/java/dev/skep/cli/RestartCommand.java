package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** skep restart USER/APP */
@Command(name = "restart", description = "Restart all instances of an app, as the server rolls them.")
final class RestartCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Override
    public Integer call() {
        Views.printChanged(skep.out(), skep.client(options).restart(app));
        return SkepCli.EXIT_OK;
    }
}
