package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** skep stop USER/APP */
@Command(name = "stop", description = "Stop all instances of an app (its releases and settings are kept).")
final class StopCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Override
    public Integer call() {
        Views.printChanged(skep.out(), skep.client(options).stop(app));
        return SkepCli.EXIT_OK;
    }
}
