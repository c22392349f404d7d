package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** skep start USER/APP */
@Command(name = "start", description = "Start an app's instances again after a stop.")
final class StartCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Override
    public Integer call() {
        Views.printChanged(skep.out(), skep.client(options).start(app));
        return SkepCli.EXIT_OK;
    }
}
