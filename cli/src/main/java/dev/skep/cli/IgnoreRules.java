package dev.skep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code skep deploy} leaves out: {@code .git} and {@code node_modules} at any depth, and the
 * patterns of {@code .skepignore} in the app's root. The patterns follow .gitignore: one per line,
 * {@code #} comments, {@code !} re-includes, a trailing {@code /} matches directories only, a
 * pattern with a {@code /} is anchored at the root, {@code *} and {@code ?} stay within one path
 * part, {@code **} crosses them. A left-out directory is left out whole.
 */
final class IgnoreRules {

    static final String FILE = ".skepignore";
    static final Set<String> ALWAYS = Set.of(".git", "node_modules");

    private record Rule(Pattern pattern, boolean negated, boolean directoryOnly) {
    }

    private final List<Rule> rules;

    private IgnoreRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules of DIR/.skepignore, or only the fixed ones when there is no such file. */
    static IgnoreRules load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        return Files.isRegularFile(file) ? parse(Files.readAllLines(file)) : parse(List.of());
    }

    static IgnoreRules parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean negated = line.startsWith("!");
            if (negated || line.startsWith("\\#") || line.startsWith("\\!")) {
                line = line.substring(1);
            }
            boolean directoryOnly = line.endsWith("/");
            while (line.endsWith("/")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                continue;
            }
            boolean anchored = line.contains("/");
            if (line.startsWith("/")) {
                line = line.substring(1);
            }
            String regex = (anchored ? "" : "(?:.*/)?") + globToRegex(line);
            rules.add(new Rule(Pattern.compile(regex), negated, directoryOnly));
        }
        return new IgnoreRules(rules);
    }

    /**
     * @param path      relative to the app root, parts separated by '/'
     * @param directory whether the path is a directory
     */
    boolean ignored(String path, boolean directory) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (ALWAYS.contains(name)) {
            return true;
        }
        boolean ignored = false;
        for (Rule rule : rules) {
            if ((!rule.directoryOnly() || directory) && rule.pattern().matcher(path).matches()) {
                ignored = !rule.negated();
            }
        }
        return ignored;
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '*' && glob.startsWith("**", i)) {
                boolean slashAfter = glob.startsWith("**/", i);
                boolean atPartStart = i == 0 || glob.charAt(i - 1) == '/';
                if (atPartStart && slashAfter) {
                    regex.append("(?:.*/)?"); // "**/x": x in any directory, the root too
                    i += 3;
                } else {
                    regex.append(".*"); // "x/**" and any other "**": everything below
                    i += 2;
                }
            } else if (c == '*') {
                regex.append("[^/]*");
                i++;
            } else if (c == '?') {
                regex.append("[^/]");
                i++;
            } else if (c == '[') {
                int end = glob.indexOf(']', i + 2);
                if (end < 0) {
                    regex.append("\\[");
                    i++;
                } else {
                    String set = glob.substring(i + 1, end);
                    if (set.startsWith("!")) {
                        set = "^" + set.substring(1);
                    }
                    regex.append('[').append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = end + 1;
                }
            } else if (c == '\\' && i + 1 < glob.length()) {
                regex.append(Pattern.quote(String.valueOf(glob.charAt(i + 1))));
                i += 2;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return regex.toString();
    }
}
