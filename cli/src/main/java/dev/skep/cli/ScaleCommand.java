package dev.skep.cli;

import dev.skep.model.ProcessTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** skep scale USER/APP N | TYPE=N ... */
@Command(name = "scale", description = "Set how many instances of an app's process types run: N (web) or TYPE=N ...")
final class ScaleCommand extends AppVerb {

    private static final Pattern COUNT = Pattern.compile("([^=]+)=(\\d{1,6})");

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "N|TYPE=N",
            description = "web instances wanted (0 or more), or counts per process type: web=2 worker=1")
    List<String> counts;

    @Override
    public Integer call() {
        Map<String, Integer> formation = parse();
        var client = client();
        // a bare N keeps the request it always sent, so a newer CLI still scales through an older server
        return printChanged(formation.size() == 1 && counts.get(0).matches("\\d+")
                ? client.scale(app, formation.get(ProcessTypes.WEB)) : client.scale(app, formation));
    }

    /** "3" is web=3 (as before process types); otherwise every argument is TYPE=N. */
    private Map<String, Integer> parse() {
        if (counts.size() == 1 && counts.get(0).matches("-?\\d+")) {
            int n = Integer.parseInt(counts.get(0));
            if (n < 0) {
                throw usage("N must be 0 or more, found " + n);
            }
            return Map.of(ProcessTypes.WEB, n);
        }
        Map<String, Integer> formation = new LinkedHashMap<>();
        for (String arg : counts) {
            Matcher m = COUNT.matcher(arg);
            if (!m.matches() || !ProcessTypes.isValidName(m.group(1))) {
                throw usage("'" + arg + "' is not TYPE=N: give one number for "
                        + "web (skep scale " + app + " 2) or counts per Procfile type (skep scale " + app
                        + " web=2 worker=1)");
            }
            if (formation.put(m.group(1), Integer.parseInt(m.group(2))) != null) {
                throw usage(m.group(1) + " is named twice");
            }
        }
        return formation;
    }
}
