package dev.skep.cli;

import java.util.Map;
import picocli.CommandLine.Command;

/** skep alerts test USER/APP */
@Command(name = "test", description = "Send a test alert for the app through mail, webhooks and the log, now.")
final class AlertsTestCommand extends AppVerb {

    @Override
    public Integer call() {
        boolean failed = false;
        for (Map.Entry<String, String> r : client().monitor().testAlerts(app).reactors().entrySet()) {
            out().println(r.getKey() + ": " + r.getValue());
            failed |= r.getValue().startsWith("failed");
        }
        return failed ? SkepCli.EXIT_REFUSED : SkepCli.EXIT_OK;
    }
}
