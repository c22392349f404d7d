package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** skep alerts rm USER/APP */
@Command(name = "rm", description = "Forget an app's alert settings: the install's recipients and the default rules apply.")
final class AlertsRmCommand implements Callable<Integer> {

    @ParentCommand
    AlertsCommand alerts;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Override
    public Integer call() {
        alerts.skep.client(options).monitor().deleteAlerts(app);
        alerts.skep.out().println("alert settings of " + app + " removed: the install's recipients and the default "
                + "rules apply");
        return SkepCli.EXIT_OK;
    }
}
