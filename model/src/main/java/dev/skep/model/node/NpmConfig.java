package dev.skep.model.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The host's npm settings as skep's own npm commands see them ({@code npm config get}). */
public final class NpmConfig {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** npm's own variable for its update check, as npm reads variables: in any case. */
    static final String UPDATE_NOTIFIER = "npm_config_update_notifier";

    private NpmConfig() {
    }

    /**
     * An app's or release phase's environment without npm's update check, unless the app's vars set it: under
     * {@code web: npm run ...} every start asked the registry for npm's newest version (a network call on each start,
     * hung where the registry is unreachable) and printed five notice lines to stderr, over the app's own error.
     */
    public static void quietAtRuntime(Map<String, String> env) {
        if (env.keySet().stream().noneMatch(UPDATE_NOTIFIER::equalsIgnoreCase)) {
            env.put(UPDATE_NOTIFIER, "false");
        }
    }

    /**
     * The values npm has for {@code keys} (two or more), from the npm on {@code searchPath}, run in {@code /} so no
     * project's npmrc is read; a key npm has no value for is left out. Throws SkepException when npm cannot answer.
     */
    public static Map<String, String> get(String searchPath, List<String> keys) {
        if (keys.size() < 2) {
            throw new IllegalArgumentException("npm answers key=value lines for two keys or more, found " + keys);
        }
        List<String> argv = new ArrayList<>(List.of(Command.find("npm", searchPath).toString(), "config", "get"));
        argv.addAll(keys);
        return parse(Command.run(argv, Path.of("/"), TIMEOUT));
    }

    /** {@code npm config get K1 K2 ...}'s answer, {@code key=value} lines, without the values npm prints for none. */
    public static Map<String, String> parse(String answer) {
        Map<String, String> out = new TreeMap<>();
        for (String line : answer.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (!value.isEmpty() && !value.equals("null") && !value.equals("undefined")) {
                out.put(line.substring(0, eq).strip(), value);
            }
        }
        return Map.copyOf(out);
    }
}
