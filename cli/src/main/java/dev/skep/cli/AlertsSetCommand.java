package dev.skep.cli;

import dev.skep.client.MonitorClient;
import dev.skep.model.view.AlertSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** skep alerts set USER/APP [--mail A]... [--webhook URL]... [--rules FILE] */
@Command(name = "set", description = {"Set who gets an app's alerts, and its rules (a JSON array, see "
        + "monitor/README-rules.md).", "What you leave out stays as it was; --mail '' or --webhook '' clears."})
final class AlertsSetCommand extends AppVerb {

    @Option(names = "--mail", paramLabel = "ADDRESS", split = ",", description = "mail recipients (repeat or comma-separate)")
    List<String> mail;

    @Option(names = "--webhook", paramLabel = "URL", split = ",", description = "webhook URLs (repeat or comma-separate)")
    List<String> webhooks;

    @Option(names = "--rules", paramLabel = "FILE", description = "the app's rules, a JSON array")
    Path rules;

    @Override
    public Integer call() {
        if (mail == null && webhooks == null && rules == null) {
            throw usage("give --mail, --webhook or --rules");
        }
        MonitorClient monitor = client().monitor();
        AlertSettings now = monitor.alerts(app);
        AlertSettings next = new AlertSettings(null, mail == null ? now.mail() : nonEmpty(mail),
                webhooks == null ? now.webhooks() : nonEmpty(webhooks), rules == null ? now.rules() : readRules());
        AlertsCommand.print(out(), monitor.setAlerts(app, next));
        return SkepCli.EXIT_OK;
    }

    private static List<String> nonEmpty(List<String> values) {
        return values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    private List<Map<String, Object>> readRules() {
        try {
            return MonitorClient.parseRules(Files.readString(rules));
        } catch (IOException | IllegalArgumentException e) {
            throw usage("cannot read rules from " + rules + ": " + e.getMessage()
                    + " (a JSON array, see monitor/README-rules.md)");
        }
    }
}
