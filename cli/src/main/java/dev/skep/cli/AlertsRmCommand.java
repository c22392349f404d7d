package dev.skep.cli;

import picocli.CommandLine.Command;

/** skep alerts rm USER/APP */
@Command(name = "rm", description = "Forget an app's alert settings: the install's recipients and the default rules apply.")
final class AlertsRmCommand extends AppVerb {

    @Override
    public Integer call() {
        client().monitor().deleteAlerts(app);
        return done("alert settings of " + app + " removed: the install's recipients and the default rules apply");
    }
}
