package dev.skep.cli;

import dev.skep.client.MonitorClient;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** skep health set USER/APP (--path P | --tcp) [--interval 5s] [--timeout 2s] [--failures 3] [--restart-after 60s] */
@Command(name = "set", description = {"Set an app's health check; running instances use it from their next check.",
    "What you leave out takes the default (interval 5s, timeout 2s, 3 failures, restart after 60s).",
    "Durations: 500ms, 5s, 2m, or plain seconds."})
final class HealthSetCommand extends AppVerb {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    @Option(names = "--path", paramLabel = "PATH", description = "an HTTP GET of PATH must answer 2xx/3xx, e.g. /healthz")
    String path;

    @Option(names = "--tcp", description = "a connect to the instance's port must succeed")
    boolean tcp;

    @Option(names = "--interval", paramLabel = "DURATION", description = "time between two checks of an instance")
    String interval;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "a check that takes longer failed")
    String timeout;

    @Option(names = "--failures", paramLabel = "N", description = "this many failed checks in a row make an instance "
            + "unhealthy (1-100)")
    Integer failures;

    @Option(names = "--restart-after", paramLabel = "DURATION", description = "an instance unhealthy this long is "
            + "restarted")
    String restartAfter;

    @Override
    public Integer call() {
        if ((path == null) == !tcp) {
            throw usage("give either --path PATH (an HTTP check) or --tcp");
        }
        Map<String, Object> setting = new LinkedHashMap<>();
        setting.put("type", tcp ? "tcp" : "http");
        if (path != null) {
            setting.put("path", path);
        }
        putSeconds(setting, "interval", interval);
        putSeconds(setting, "timeout", timeout);
        if (failures != null) {
            setting.put("failures", failures);
        }
        putSeconds(setting, "restartAfter", restartAfter);
        MonitorClient monitor = client().monitor();
        monitor.setHealth(app, setting);
        HealthCommand.print(out(), app, monitor.health(app));
        return SkepCli.EXIT_OK;
    }

    private void putSeconds(Map<String, Object> setting, String key, String text) {
        if (text != null) {
            setting.put(key, seconds(text));
        }
    }

    /** "500ms" -> 0.5, "5s" and "5" -> 5, "2m" -> 120, "1h" -> 3600; a usage error otherwise. */
    double seconds(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw usage("'" + text + "' is not a duration; use e.g. 500ms, 5s, 2m");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> n / 1000;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n;
        };
    }
}
