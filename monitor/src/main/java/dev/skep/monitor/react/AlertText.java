package dev.skep.monitor.react;

import dev.skep.monitor.rules.Alert;

import java.util.List;

/** The words of an alert, for people: mail subjects and bodies. */
final class AlertText {

    private AlertText() {
    }

    static String subject(Alert alert) {
        String status = switch (alert.status()) {
            case FIRING -> "ALERT";
            case REPEAT -> "STILL FIRING";
            case RESOLVED -> "RESOLVED";
        };
        String summary = alert.summary().startsWith("resolved") ? alert.summary().replaceFirst("^resolved[^:]*: ", "")
                : alert.summary();
        String line = "[skep] " + status + " " + alert.appLabel() + ": " + summary;
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }

    static String body(Alert alert, List<String> logLines, String dashboardUrl) {
        StringBuilder b = new StringBuilder();
        b.append(alert.summary()).append("\n\n");
        b.append("App:      ").append(alert.appLabel()).append('\n');
        if (alert.instance() != null) {
            b.append("Instance: ").append(alert.instance()).append('\n');
        }
        b.append("Rule:     ").append(alert.ruleId()).append(" (").append(alert.kind()).append(")\n");
        b.append("Since:    ").append(alert.since()).append('\n');
        if (alert.status() == Alert.Status.RESOLVED) {
            b.append("Resolved: ").append(alert.at()).append('\n');
        } else {
            b.append("Now:      ").append(alert.at()).append('\n');
        }
        if (!logLines.isEmpty()) {
            b.append("\nLast ").append(logLines.size()).append(" log lines")
                    .append(alert.instance() != null ? " of " + alert.instance() : "").append(":\n");
            logLines.forEach(line -> b.append("  ").append(line).append('\n'));
        }
        if (dashboardUrl != null && alert.app() != null) {
            String base = dashboardUrl.endsWith("/") ? dashboardUrl.substring(0, dashboardUrl.length() - 1)
                    : dashboardUrl;
            b.append("\n").append(base).append("/apps/").append(alert.app().user()).append('/')
                    .append(alert.app().name()).append('\n');
        }
        b.append("\n-- skep monitor\n");
        return b.toString();
    }
}
