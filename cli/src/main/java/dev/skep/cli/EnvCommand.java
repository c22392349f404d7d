package dev.skep.cli;

import dev.skep.model.view.EnvChange;
import dev.skep.model.view.EnvView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** skep env USER/APP [set K=V ... | unset K ... | import FILE] */
@Command(name = "env", description = {"List an app's env, set or unset keys, or import a dotenv file.",
    "A change makes a new release: the instances restart with it.",
    "  skep env alice/shop", "  skep env alice/shop set NODE_ENV=production API_KEY=s3cret",
    "  skep env alice/shop unset API_KEY", "  skep env alice/shop import .env      (- reads standard input)"})
final class EnvCommand extends AppVerb {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    @Parameters(index = "1", arity = "0..1", paramLabel = "set|unset|import", description = "what to change")
    String action;

    @Parameters(index = "2..*", paramLabel = "K=V|K|FILE",
            description = "KEY=VALUE to set, KEY to unset, a dotenv FILE to import")
    List<String> args = new ArrayList<>();

    @CommandLine.Option(names = "--json", description = "list the env as one JSON document (app, release, "
            + "env), no KEY=VALUE lines")
    boolean json;

    @Override
    public Integer call() {
        if (action == null) {
            return list();
        }
        if (json) {
            throw usage("--json lists the env: `skep env " + app + " --json`; a change prints what it did");
        }
        if (args.isEmpty()) {
            throw usage("name at least one key: " + ("set".equals(action) ? "set KEY=VALUE ..." : "unset KEY ..."));
        }
        EnvChange change = switch (action) {
            case "set" -> new EnvChange(parseAssignments(), List.of());
            case "unset" -> new EnvChange(Map.of(), parseKeys());
            case "import" -> new EnvChange(readDotEnv(), List.of());
            default -> throw usage("unknown env action '" + action + "': use set KEY=VALUE ..., unset KEY ... "
                    + "or import FILE");
        };
        if (change.set().isEmpty() && change.unset().isEmpty()) {
            throw usage(args.get(0) + " sets no variable");
        }
        EnvView after = client().changeEnv(app, change);
        String keys = String.join(", ", "unset".equals(action) ? change.unset() : change.set().keySet());
        out().println(action + " " + keys + " on " + app + ": " + (after.release() == 0
                ? "no release serves yet: the next deploy builds and runs with it" // after skep create, or a failed first deploy
                : "release v" + after.release() + " (the instances restart with it)"));
        return SkepCli.EXIT_OK;
    }

    private int list() {
        EnvView view = client().env(app);
        PrintWriter out = out();
        if (json) {
            out.println(Views.json(view));
            return SkepCli.EXIT_OK;
        }
        Map<String, String> env = view.env() == null ? Map.of() : new TreeMap<>(view.env());
        if (env.isEmpty()) {
            skep().err().println(app + " has no env yet: `skep env " + app + " set KEY=VALUE`");
        }
        env.forEach((key, value) -> out.println(key + "=" + (value == null ? "" : value)));
        return SkepCli.EXIT_OK;
    }

    private Map<String, String> parseAssignments() {
        Map<String, String> set = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw usage("'" + arg + "' is not KEY=VALUE (to set an empty value: " + arg + "=)");
            }
            set.put(checkKey(arg.substring(0, eq)), arg.substring(eq + 1));
        }
        return set;
    }

    private Map<String, String> readDotEnv() {
        if (args.size() != 1) {
            throw usage("import takes one dotenv file (or - for standard input)");
        }
        String file = args.get(0);
        String text;
        try {
            text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new CliFailure("cannot read " + file + ": " + e.getMessage(), "give the path of a dotenv file");
        }
        Map<String, String> set = new LinkedHashMap<>();
        try {
            DotEnv.parse(text).forEach((key, value) -> set.put(checkKey(key), value));
        } catch (IllegalArgumentException e) {
            throw usage(file + ": " + e.getMessage());
        }
        return set;
    }

    private List<String> parseKeys() {
        return args.stream().map(this::checkKey).distinct().toList();
    }

    private String checkKey(String key) {
        if (!KEY.matcher(key).matches()) {
            throw usage("invalid env key '" + key + "': letters, digits and _, not starting with a digit");
        }
        return key;
    }
}
