package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.ProcessTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** skep scale USER/APP N | TYPE=N ... */
@Command(name = "scale", description = "Set how many instances of an app's process types run: N (web) or TYPE=N ...")
final class ScaleCommand implements Callable<Integer> {

    private static final Pattern COUNT = Pattern.compile("([^=]+)=(\\d{1,6})");

    @ParentCommand
    SkepCli skep;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "N|TYPE=N",
            description = "web instances wanted (0 or more), or counts per process type: web=2 worker=1")
    List<String> counts;

    @Override
    public Integer call() {
        Map<String, Integer> formation = parse();
        var client = skep.client(options);
        // a bare N keeps the request it always sent, so a newer CLI still scales through an older server
        Views.printChanged(skep.out(), formation.size() == 1 && counts.get(0).matches("\\d+")
                ? client.scale(app, formation.get(ProcessTypes.WEB)) : client.scale(app, formation));
        return SkepCli.EXIT_OK;
    }

    /** "3" is web=3 (as before process types); otherwise every argument is TYPE=N. */
    private Map<String, Integer> parse() {
        if (counts.size() == 1 && counts.get(0).matches("-?\\d+")) {
            int n = Integer.parseInt(counts.get(0));
            if (n < 0) {
                throw new ParameterException(spec.commandLine(), "N must be 0 or more, found " + n);
            }
            return Map.of(ProcessTypes.WEB, n);
        }
        Map<String, Integer> formation = new LinkedHashMap<>();
        for (String arg : counts) {
            Matcher m = COUNT.matcher(arg);
            if (!m.matches() || !ProcessTypes.isValidName(m.group(1))) {
                throw new ParameterException(spec.commandLine(), "'" + arg + "' is not TYPE=N: give one number for "
                        + "web (skep scale " + app + " 2) or counts per Procfile type (skep scale " + app
                        + " web=2 worker=1)");
            }
            if (formation.put(m.group(1), Integer.parseInt(m.group(2))) != null) {
                throw new ParameterException(spec.commandLine(), m.group(1) + " is named twice");
            }
        }
        return formation;
    }
}
