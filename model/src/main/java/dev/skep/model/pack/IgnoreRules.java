package dev.skep.model.pack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code skep deploy} and a {@code git push} deploy leave out, as a git push to Heroku would: what {@code .gitignore} files name
 * (the root's and each directory's, relative to their directory, deeper ones taking precedence), then what
 * {@code .skepignore} in the app's root names (last, so it can {@code !}re-include build output that git
 * ignores). Never sent, whatever the files say: {@code .git}, {@code node_modules}, {@code .env} (secrets
 * belong in config vars), {@code .skep} (the app the directory deploys to), skep's own data dir and token files. The patterns follow .gitignore: one per
 * line, {@code #} comments, {@code !} re-includes, a trailing {@code /} matches directories only, a
 * pattern with a {@code /} is anchored at its file's directory, {@code *} and {@code ?} stay within one
 * path part, {@code **} crosses them. A left-out directory is left out whole.
 */
public final class IgnoreRules {

    public static final String FILE = ".skepignore";
    public static final String GITIGNORE = ".gitignore";
    /** The CLI's file naming the app a directory deploys to (its ProjectLink). */
    public static final String PROJECT_LINK = ".skep";
    static final Set<String> ALWAYS = Set.of(".git", "node_modules", ".env", PROJECT_LINK);
    /** Files of a skep data dir or CLI config: a token must never travel inside an app. */
    static final Set<String> SECRETS = Set.of("admin.token", "zk.secret", "cli-token");

    /** @param base the directory of the file the rule comes from, "" for the root or "lib/" */
    private record Rule(String base, Pattern pattern, boolean negated, boolean directoryOnly) {
    }

    private final List<Rule> gitRules;
    private final List<Rule> skepRules;

    private IgnoreRules(List<Rule> gitRules, List<Rule> skepRules) {
        this.gitRules = List.copyOf(gitRules);
        this.skepRules = List.copyOf(skepRules);
    }

    /** The rules of DIR/.gitignore and DIR/.skepignore (nested .gitignore files come with {@link #enter}). */
    public static IgnoreRules load(Path dir) throws IOException {
        return new IgnoreRules(List.of(), rules("", lines(dir.resolve(FILE)))).enter("", dir);
    }

    public static IgnoreRules parse(List<String> lines) {
        return new IgnoreRules(List.of(), rules("", lines));
    }

    /**
     * The rules inside directory {@code prefix} ("lib/"; "" for the root): these plus that directory's
     * own .gitignore, if it has one.
     */
    public IgnoreRules enter(String prefix, Path dir) throws IOException {
        List<String> lines = lines(dir.resolve(GITIGNORE));
        if (lines.isEmpty()) {
            return this;
        }
        List<Rule> git = new ArrayList<>(gitRules);
        git.addAll(rules(prefix, lines));
        return new IgnoreRules(git, skepRules);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
    }

    private static List<Rule> rules(String base, List<String> lines) {
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
            rules.add(new Rule(base, Pattern.compile(regex), negated, directoryOnly));
        }
        return rules;
    }

    /**
     * @param path      relative to the app root, parts separated by '/'
     * @param directory whether the path is a directory
     */
    public boolean ignored(String path, boolean directory) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (ALWAYS.contains(name) || (!directory && SECRETS.contains(name))) {
            return true;
        }
        boolean ignored = false;
        for (List<Rule> layer : List.of(gitRules, skepRules)) {
            for (Rule rule : layer) {
                if ((!rule.directoryOnly() || directory) && path.startsWith(rule.base())
                        && rule.pattern().matcher(path.substring(rule.base().length())).matches()) {
                    ignored = !rule.negated();
                }
            }
        }
        return ignored;
    }

    /** A skep data dir (it holds the admin token and ZooKeeper's secret): never packed, wherever it is. */
    public static boolean isSkepDataDir(Path dir) {
        return Files.exists(dir.resolve("admin.token")) || Files.exists(dir.resolve("zk.secret"));
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
