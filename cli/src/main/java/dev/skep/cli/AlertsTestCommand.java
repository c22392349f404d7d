package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.AlertTestResult;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** skep alerts test USER/APP */
@Command(name = "test", description = "Send a test alert for the app through mail, webhooks and the log, now.")
final class AlertsTestCommand implements Callable<Integer> {

    @ParentCommand
    AlertsCommand alerts;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Override
    public Integer call() {
        AlertTestResult result = alerts.skep.client(options).monitor().testAlerts(app);
        boolean failed = false;
        for (Map.Entry<String, String> r : result.reactors().entrySet()) {
            alerts.skep.out().println(r.getKey() + ": " + r.getValue());
            failed |= r.getValue().startsWith("failed");
        }
        return failed ? SkepCli.EXIT_REFUSED : SkepCli.EXIT_OK;
    }
}
