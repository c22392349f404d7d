package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** skep health rm USER/APP */
@Command(name = "rm", description = "Remove an app's health check: its instances are no longer checked while they run.")
final class HealthRmCommand implements Callable<Integer> {

    @ParentCommand
    HealthCommand health;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Override
    public Integer call() {
        health.skep.client(options).monitor().setHealth(app, Map.of("type", "off"));
        health.skep.out().println("health check of " + app + " removed");
        return SkepCli.EXIT_OK;
    }
}
