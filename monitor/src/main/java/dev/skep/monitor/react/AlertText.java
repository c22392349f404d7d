package dev.skep.monitor.react;

import dev.skep.monitor.rules.Alert;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The words of an alert, for people: mail subjects and bodies. Every field may carry a tenant's text (event
 * messages, log lines), so each is made one line first: CR, LF and other control or line-separator characters
 * never reach a header (where they would start a new one) or split a body line.
 */
final class AlertText {

    private static final Pattern BREAKS = Pattern.compile("[\\p{Cntrl}\\u0080-\\u009f\\u2028\\u2029\\s]+");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u0080-\\u009f\\u2028\\u2029]");

    private AlertText() {
    }

    static String subject(Alert alert) {
        String status = switch (alert.status()) {
            case FIRING -> "ALERT";
            case REPEAT -> "STILL FIRING";
            case RESOLVED -> "RESOLVED";
        };
        String summary = oneLine(alert.summary());
        summary = summary.startsWith("resolved") ? summary.replaceFirst("^resolved[^:]*: ", "") : summary;
        String line = "[skep] " + status + " " + oneLine(alert.appLabel()) + ": " + summary;
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }

    static String body(Alert alert, List<String> logLines, String dashboardUrl) {
        StringBuilder b = new StringBuilder();
        b.append(oneLine(alert.summary())).append("\n\n");
        b.append("App:      ").append(oneLine(alert.appLabel())).append('\n');
        if (alert.instance() != null) {
            b.append("Instance: ").append(oneLine(alert.instance())).append('\n');
        }
        b.append("Rule:     ").append(oneLine(alert.ruleId())).append(" (").append(oneLine(alert.kind())).append(")\n");
        b.append("Since:    ").append(alert.since()).append('\n');
        if (alert.status() == Alert.Status.RESOLVED) {
            b.append("Resolved: ").append(alert.at()).append('\n');
        } else {
            b.append("Now:      ").append(alert.at()).append('\n');
        }
        if (!logLines.isEmpty()) {
            b.append("\nLast ").append(logLines.size()).append(" log lines")
                    .append(alert.instance() != null ? " of " + oneLine(alert.instance()) : "").append(":\n");
            logLines.forEach(line -> b.append("  ").append(logLine(line)).append('\n'));
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

    /** A log line keeps its indentation; only its control and line-separator characters become spaces. */
    static String logLine(String text) {
        return text == null ? "" : CONTROL.matcher(text).replaceAll(" ");
    }

    /** Runs of whitespace, control and line-separator characters become one space. */
    static String oneLine(String text) {
        return text == null ? "" : BREAKS.matcher(text).replaceAll(" ").strip();
    }
}
