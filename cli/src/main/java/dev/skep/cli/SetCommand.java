package dev.skep.cli;

import dev.skep.model.Labels;
import dev.skep.model.RouteSettings;
import dev.skep.model.SkepException;
import dev.skep.model.view.ProbationView;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * skep set USER/APP [--max-body SIZE] [--https-only[=true|false]] [--sticky[=true|false]] [--idle-stop DURATION|off]
 * [--probation DURATION] [--constraint KEY=VALUE ...|off]
 */
@Command(name = "set", description = {"Show or change how the routers treat an app's requests, and how long a new",
    "release is watched before it counts as released; live within a second, no new release.", "  skep set alice/shop",
    "  skep set alice/shop --max-body 50m --https-only", "  skep set alice/shop --max-body default --https-only=false",
    "  skep set alice/chat --sticky",
    "  skep set alice/blog --idle-stop 15m",
    "  skep set alice/shop --probation 30s", "  skep set alice/shop --constraint zone=a   (--constraint off: any agent)"})
final class SetCommand extends AppVerb {

    private static final long KIB = 1024;

    @Option(names = "--max-body", paramLabel = "SIZE",
            description = "largest request body: bytes, or with k, m, g (1024-based); 'default' for the router's")
    String maxBody;

    @Option(names = "--https-only", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "answer plain-HTTP requests with a 308 to https (on routers with an HTTPS listener)")
    Boolean httpsOnly;

    @Option(names = "--sticky", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "sticky sessions: the router's cookie keeps a client on one instance while it is ready "
                    + "(in-memory sessions, socket.io's long-polling)")
    Boolean sticky;

    @Option(names = "--idle-stop", paramLabel = "DURATION|off", description = "stop the app after this long "
            + "without a request (it shows as sleeping; the next request wakes it and waits for it): 30s, 15m, 2h, "
            + "1d; 'off' keeps it up. Only for apps whose process types are all web")
    String idleStop;

    @Option(names = "--probation", paramLabel = "DURATION", description = "how long a new release serves, the old "
            + "one kept warm, before it counts as released; one that fails inside it is rolled back: 10s, 2m, 0 (off)")
    String probation;

    @Option(names = "--constraint", paramLabel = "KEY=VALUE", description = "run the app only on agents with this "
            + "label (skep agent --label KEY=VALUE); repeatable, all must match; replaces the app's constraints; "
            + "'off' clears them. Instances that no longer match move, rolling")
    List<String> constraints;

    @Override
    public Integer call() {
        if (constraints != null) {
            Map<String, String> wanted = new TreeMap<>();
            for (String c : constraints) {
                if (c.equals("off")) {
                    continue;
                }
                try {
                    var pair = Labels.parse("--constraint", c);
                    wanted.put(pair.getKey(), pair.getValue());
                } catch (SkepException e) {
                    throw usage(e.getMessage() + " (e.g. --constraint zone=a, "
                            + "or --constraint off)");
                }
            }
            var placed = client().setPlacement(app, wanted);
            out().println(app + ": " + (placed.constraints().isEmpty() ? "runs on any agent"
                    : "runs only on agents labelled " + Labels.text(placed.constraints())
                    + " (`skep ps " + app + "` says when none fits)"));
            if (probation == null && !routeChange()) {
                return SkepCli.EXIT_OK;
            }
        }
        if (probation != null) {
            long seconds = seconds(probation);
            client().setProbation(app, seconds);
            out().println(app + ": probation " + (seconds == 0 ? "off: a deploy is released as soon as it is ready"
                    : seconds + " s: a deploy is released once its new instances have served that long"));
            if (!routeChange()) {
                return SkepCli.EXIT_OK;
            }
        }
        var edge = client().edge();
        RouteSettings settings = !routeChange() ? edge.routeSettings(app)
                : edge.setRouteSettings(app, maxBody == null ? null : bytes(maxBody), httpsOnly, sticky,
                        idleStop == null ? null : idleSeconds(idleStop));
        out().println(app + ": body limit " + (settings.maxBodyBytes() == 0 ? "the router's default"
                : size(settings.maxBodyBytes())) + ", https only " + (settings.httpsOnly() ? "on" : "off")
                + ", sticky sessions " + (settings.sticky() ? "on" : "off")
                + ", idle stop " + (settings.idleStop() ? duration(settings.idleStopSeconds()) : "off")
                + ", probation " + probation(client().probation(app))
                + (!routeChange() ? "" : " (live on the routers within a second)"));
        return SkepCli.EXIT_OK;
    }

    /** "10s (the install's default)", "2m", "off". */
    static String probation(ProbationView window) {
        return (window.seconds() == 0 ? "off" : duration(window.seconds()))
                + (window.installDefault() ? " (the install's default)" : "");
    }

    private boolean routeChange() {
        return maxBody != null || httpsOnly != null || sticky != null || idleStop != null;
    }

    /** "off" (or 0) is 0; "90", "30s", "15m", "2h", "1d" are seconds. */
    long idleSeconds(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("off") || t.equals("0")) {
            return 0;
        }
        long unit = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            default -> 0;
        };
        String number = unit == 0 ? t : t.substring(0, t.length() - 1);
        try {
            long n = Math.multiplyExact(Long.parseLong(number), Math.max(unit, 1));
            if (n < RouteSettings.MIN_IDLE_STOP_SECONDS || n > RouteSettings.MAX_IDLE_STOP_SECONDS) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException | ArithmeticException e) {
            throw usage("--idle-stop must be a duration from 1s to 7d such "
                    + "as 30s, 15m, 2h or 1d, or 'off', found '" + text + "'");
        }
    }

    /** 900 is "15m", 90 is "90s". */
    static String duration(long seconds) {
        if (seconds % 86400 == 0) {
            return seconds / 86400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /** "50m" is 50 MiB; "default" and "0" are the router's default. */
    long bytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("default")) {
            return 0;
        }
        long unit = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> KIB;
            case 'm' -> KIB * KIB;
            case 'g' -> KIB * KIB * KIB;
            default -> 1;
        };
        String number = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(number);
            if (n < 0 || n > RouteSettings.MAX_BODY_LIMIT / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw usage("--max-body must be a size such as 1048576, 512k, 50m "
                    + "or 1g (or 'default'), found '" + text + "'");
        }
    }

    /** "10s", "2m" or a bare number of seconds. */
    long seconds(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = t.endsWith("m") ? 60 : 1;
        String number = t.endsWith("s") || t.endsWith("m") ? t.substring(0, t.length() - 1) : t;
        try {
            long n = Long.parseLong(number);
            if (n < 0 || n > 3600 / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw usage("--probation must be a duration such as 10s, 2m or 0 "
                    + "(off), found '" + text + "'");
        }
    }

    static String size(long bytes) {
        if (bytes % (KIB * KIB * KIB) == 0) {
            return bytes / (KIB * KIB * KIB) + " GiB";
        }
        if (bytes % (KIB * KIB) == 0) {
            return bytes / (KIB * KIB) + " MiB";
        }
        if (bytes % KIB == 0) {
            return bytes / KIB + " KiB";
        }
        return bytes + " bytes";
    }
}
