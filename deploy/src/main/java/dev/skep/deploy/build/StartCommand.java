package dev.skep.deploy.build;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.skep.model.ProcessTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides how to start an app, as argv run in its directory: Procfile {@code web:} >
 * package.json {@code scripts.start} > {@code main} > server.js / app.js / index.js. Node runs
 * directly, never under {@code npm start}, so signals reach the app and no npm sits in between; a
 * {@code prestart} script runs first all the same, as {@code npm start} (Heroku's default web) runs it.
 */
public final class StartCommand {

    static final List<String> DEFAULT_FILES = List.of("server.js", "app.js", "index.js");

    /**
     * Servers frameworks' builds write, which their docs start with node but which no convention of npm's or
     * Heroku's names (SvelteKit's docs say {@code node build}): named when an app has no start command.
     */
    private static final List<BuiltServer> BUILT_SERVERS = List.of(
            new BuiltServer("build/index.js", "SvelteKit's adapter-node"),
            new BuiltServer("dist/server/entry.mjs", "Astro's node adapter"),
            new BuiltServer(".output/server/index.mjs", "Nuxt's and Nitro's node server"));

    private record BuiltServer(String path, String writtenBy) {
    }

    /** Anything a shell would interpret: operators, expansions, quotes, redirects, globs, VAR=x prefixes. */
    private static final Pattern SHELL_SYNTAX =
            Pattern.compile("[|&;<>()$`'\"\\\\*?~{}\\[\\]#\\n]|^[A-Za-z_][A-Za-z0-9_]*=");

    /**
     * Several commands in one line ({@code &&}, {@code ||}, {@code ;}, pipes, background {@code &}):
     * {@code exec} would cut off all but the first. Redirects such as {@code 2>&1} are not lists.
     */
    private static final Pattern COMPOUND = Pattern.compile("[|;\\n]|(?<![<>&])&(?![>])");

    private static final Pattern BARE_SCRIPT = Pattern.compile("[^\\s]+\\.(js|cjs|mjs)");

    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=\\S*");

    /** A command the PATH resolves (node_modules/.bin among it), as npm names bins: no path, no expansion. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9@._+-]+");

    private static final Pattern SHELL_WORD = Pattern.compile("[A-Za-z0-9@%+=:,./_-]+");

    private static final String SH = "/bin/sh";
    private static final Set<String> PACKAGE_MANAGERS = Set.of("npm", "yarn", "pnpm");
    /** A script's name as a line names it: {@code build}, {@code db:migrate}; no expansion. */
    private static final Pattern SCRIPT_NAME = Pattern.compile("[A-Za-z0-9@._+:-]+");
    static final String PRESTART = "prestart";

    private static final Set<String> NODE = Set.of("node", "nodejs");
    private static final Set<String> NODE_NO_SCRIPT = Set.of("-e", "--eval", "-p", "--print", "-i", "--interactive", "-");
    private static final Set<String> NODE_FLAGS_WITH_VALUE = Set.of("-r", "--require", "--import", "--loader",
            "--experimental-loader", "--env-file", "--title", "-C", "--conditions", "--inspect-port");

    private StartCommand() {
    }

    /**
     * What a release runs. A Procfile that names any process type other than {@code release} is the whole
     * formation: without a {@code web:} line the app has no web process (a worker-only app). Without a Procfile,
     * or with one naming only {@code release}, web comes from package.json or the default files.
     *
     * @param web     argv of the web process, empty for none
     * @param others  argv per other process type, in the Procfile's order
     * @param release argv of the release phase, empty for none
     */
    public record Processes(List<String> web, Map<String, List<String>> others, List<String> release) {

        /** One line for the deploy output: "web: node server.js; worker: node worker.js; release: ...". */
        public String describe() {
            StringBuilder out = new StringBuilder();
            if (!web.isEmpty()) {
                out.append("web: ").append(String.join(" ", web));
            }
            others.forEach((type, argv) -> out.append(out.isEmpty() ? "" : "; ").append(type).append(": ")
                    .append(String.join(" ", argv)));
            if (!release.isEmpty()) {
                out.append(out.isEmpty() ? "" : "; ").append("release: ").append(String.join(" ", release));
            }
            return out.toString();
        }
    }

    public static Processes processes(Path appRoot) {
        return processes(appRoot, PrunedBins.NONE);
    }

    /**
     * As {@link #processes(Path)}, after a build whose prune took {@code pruned} away: a command that starts one of
     * them fails the build now, rather than the start with "not found".
     */
    public static Processes processes(Path appRoot, PrunedBins pruned) {
        Map<String, String> procfile = Procfile.read(appRoot).orElse(Map.of());
        Map<String, List<String>> others = new LinkedHashMap<>();
        List<String> release = List.of();
        for (Map.Entry<String, String> e : procfile.entrySet()) {
            List<String> argv = command(appRoot, e.getValue(), "Procfile " + e.getKey() + ":", pruned);
            if (e.getKey().equals(ProcessTypes.RELEASE)) {
                release = argv;
            } else if (!e.getKey().equals(ProcessTypes.WEB)) {
                others.put(e.getKey(), argv);
            }
        }
        List<String> web;
        if (procfile.containsKey(ProcessTypes.WEB)) {
            web = command(appRoot, procfile.get(ProcessTypes.WEB), "Procfile web:", pruned);
        } else if (others.isEmpty()) {
            web = detectWithoutProcfile(appRoot, pruned);
        } else {
            web = List.of();
        }
        return new Processes(web, Collections.unmodifiableMap(others), release);
    }

    /** The web command; throws when the app has none (a worker-only Procfile: see {@link #processes}). */
    public static List<String> detect(Path appRoot) {
        Processes processes = processes(appRoot);
        if (processes.web().isEmpty()) {
            throw unprocessable("no web process: the Procfile names " + processes.others().keySet() + " but no web:");
        }
        return processes.web();
    }

    private static List<String> detectWithoutProcfile(Path appRoot, PrunedBins pruned) {
        Optional<PackageJson> pkg = PackageJson.read(appRoot);
        List<String> start = startWithoutProcfile(appRoot, pkg, pruned);
        Optional<String> prestart = pkg.flatMap(p -> p.script(PRESTART)).filter(line -> !line.isBlank());
        return prestart.isEmpty() ? start : afterPrestart(appRoot, pkg.get(), prestart.get(), start, pruned);
    }

    /**
     * {@code start} run once {@code prestart} has succeeded, as npm runs them: the prestart in a shell of its own (a
     * {@code cd} or {@code exit} there leaves the start alone), its failure the line's exit status, the start exec'd
     * so it still gets the signals.
     */
    private static List<String> afterPrestart(Path appRoot, PackageJson pkg, String prestart, List<String> start,
                                              PrunedBins pruned) {
        Optional<String> program = program(prestart);
        if (program.isPresent() && pruned.contains(program.get())) {
            throw prunedAway(appRoot, "package.json scripts.prestart '" + prestart + "'", program.get(), pruned);
        }
        // "prestart": "npm run build", for a local `npm start`: at every start it would build again, without the
        // devDependencies the build had
        Optional<String> script = scriptRun(prestart).filter(name -> pkg.script(name).isPresent());
        Optional<String> tool = script.flatMap(pkg::script).flatMap(StartCommand::program).filter(pruned::contains);
        if (tool.isPresent()) {
            throw new SkepException(Kind.UNPROCESSABLE, "package.json scripts.prestart '" + prestart + "' runs "
                    + tool.get() + " (scripts." + script.get() + "), which a devDependency provides: devDependencies "
                    + "are pruned after the build, so it would not be found at start",
                    "the build ran at deploy already (scripts.heroku-postbuild, else scripts.build): drop the prestart, "
                            + "or keep devDependencies with the config var " + pruned.keptBy());
        }
        String startLine = start.size() == 3 && start.get(0).equals(SH) && start.get(1).equals("-c") ? start.get(2)
                : "exec " + String.join(" ", start.stream().map(StartCommand::shellWord).toList());
        // not "&&": a compound start ("a || b") would then run b when the prestart failed
        return List.of(SH, "-c", "( " + prestart.strip() + " ) || exit $?; " + startLine);
    }

    /** The script a line runs through its package manager ({@code npm run build}, {@code yarn build}), if it does. */
    static Optional<String> scriptRun(String command) {
        List<String> words = new ArrayList<>();
        for (String word : command.trim().split("\\s+")) {
            if (words.isEmpty() && (word.equals("exec") || ASSIGNMENT.matcher(word).matches())) {
                continue;
            }
            words.add(word);
        }
        if (words.size() < 2 || !PACKAGE_MANAGERS.contains(words.get(0))) {
            return Optional.empty();
        }
        boolean run = words.get(1).equals("run") || words.get(1).equals("run-script");
        if (run) {
            return words.size() > 2 && SCRIPT_NAME.matcher(words.get(2)).matches() ? Optional.of(words.get(2))
                    : Optional.empty();
        }
        // yarn and pnpm run a script named as their first argument; npm does not
        return !words.get(0).equals("npm") && SCRIPT_NAME.matcher(words.get(1)).matches() ? Optional.of(words.get(1))
                : Optional.empty();
    }

    /** A word as sh reads it back unchanged: bare when it holds nothing sh would interpret, else single-quoted. */
    private static String shellWord(String word) {
        return SHELL_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static List<String> startWithoutProcfile(Path appRoot, Optional<PackageJson> pkg, PrunedBins pruned) {
        Optional<String> start = pkg.flatMap(PackageJson::startScript);
        if (start.isPresent()) {
            return startScript(appRoot, start.get(), pruned);
        }
        Optional<String> main = pkg.flatMap(PackageJson::main);
        if (main.isPresent()) {
            Optional<String> file = nodeFile(appRoot, main.get());
            if (file.isPresent()) {
                return List.of("node", file.get());
            }
        }
        for (String name : DEFAULT_FILES) {
            if (Files.isRegularFile(appRoot.resolve(name))) {
                return List.of("node", name);
            }
        }
        if (main.isPresent()) {
            throw unprocessable("package.json main '" + main.get() + "' is not in the upload nor made by its build");
        }
        String none = "no start command: no Procfile, scripts.start, main, server.js, app.js or index.js";
        for (BuiltServer built : BUILT_SERVERS) {
            if (Files.isRegularFile(appRoot.resolve(built.path()))) {
                throw new SkepException(Kind.UNPROCESSABLE, none, "the build wrote " + built.path() + " ("
                        + built.writtenBy() + "): start it with scripts.start 'node " + built.path()
                        + "' in package.json, or a Procfile line 'web: node " + built.path() + "'");
            }
        }
        throw unprocessable(none);
    }

    /** npm reads scripts.start as a command; haibu read a bare file name as a script for node. */
    private static List<String> startScript(Path appRoot, String script, PrunedBins pruned) {
        if (BARE_SCRIPT.matcher(script).matches() && !SHELL_SYNTAX.matcher(script).find()) {
            requireScript(appRoot, script, "package.json scripts.start '" + script + "'");
            return List.of("node", script);
        }
        return command(appRoot, script, "package.json scripts.start", pruned);
    }

    private static List<String> command(Path appRoot, String command, String source, PrunedBins pruned) {
        Optional<String> program = program(command);
        if (program.isPresent() && pruned.contains(program.get())) {
            throw prunedAway(appRoot, source + " '" + command + "'", program.get(), pruned);
        }
        if (SHELL_SYNTAX.matcher(command).find()) {
            // exec makes the app the shell's own process, so it gets the signals; a compound line
            // has to keep its shell to run the rest.
            String line = COMPOUND.matcher(command).find() ? command : "exec " + command;
            return List.of(SH, "-c", line);
        }
        List<String> argv = Arrays.asList(command.trim().split("\\s+"));
        if (NODE.contains(argv.get(0))) {
            scriptOf(argv).ifPresent(script -> requireScript(appRoot, script, source + " '" + command + "'"));
        }
        return List.copyOf(argv);
    }

    /** The script node would run: its first argument that is not an option or an option's value. */
    private static Optional<String> scriptOf(List<String> argv) {
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (NODE_NO_SCRIPT.contains(arg)) {
                return Optional.empty();
            }
            if (NODE_FLAGS_WITH_VALUE.contains(arg)) {
                i++;
            } else if (!arg.startsWith("-")) {
                return Optional.of(arg);
            }
        }
        return Optional.empty();
    }

    private static void requireScript(Path appRoot, String script, String what) {
        // Checked after the build, but node_modules/.bin links and absolute paths are the runtime's to resolve.
        if (script.startsWith("/") || script.startsWith("node_modules/") || script.startsWith("./node_modules/")) {
            return;
        }
        Path path = appRoot.resolve(script).normalize();
        if (!path.startsWith(appRoot)) {
            throw unprocessable(what + " runs " + script + ", which is outside the app");
        }
        if (!Files.isDirectory(path) && nodeFile(appRoot, script).isEmpty()) {
            throw unprocessable(what + " runs " + script + ", which is not in the upload nor made by its build");
        }
    }

    /** The file node loads for {@code spec}, relative to the app, trying the extensions node tries. */
    private static Optional<String> nodeFile(Path appRoot, String spec) {
        Path base = appRoot.resolve(spec).normalize();
        if (!base.startsWith(appRoot)) {
            return Optional.empty();
        }
        for (String suffix : List.of("", ".js", ".cjs", ".mjs", ".json", "/index.js")) {
            Path candidate = Path.of(base + suffix);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(appRoot.relativize(candidate).toString());
            }
        }
        return Optional.empty();
    }

    /**
     * The program a command line starts: its first word past {@code VAR=value} prefixes and an {@code exec}, when
     * that is a plain name (not a path nor an expansion) that the PATH would resolve.
     */
    static Optional<String> program(String command) {
        for (String word : command.trim().split("\\s+")) {
            if (word.equals("exec") || ASSIGNMENT.matcher(word).matches()) {
                continue;
            }
            return PLAIN_NAME.matcher(word).matches() ? Optional.of(word) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Heroku's common first-deploy failure ("sh: nest: not found" at start): the start command is a tool of a
     * devDependency, there for the build and pruned after it. Said at build time, with the ways out.
     */
    private static SkepException prunedAway(Path appRoot, String what, String program, PrunedBins pruned) {
        // Nest's and others' starters name the production start script start:prod
        Optional<String> production = PackageJson.read(appRoot).flatMap(pkg -> pkg.script("start:prod"))
                .filter(prod -> program(prod).filter(pruned::contains).isEmpty());
        String startWith = production.map(prod -> "start with what the build made, as package.json scripts.start:prod "
                + "does: a Procfile line 'web: " + prod + "'").orElse("start with what the build made (node running "
                + "the file it wrote, or a command of a dependency)");
        // the tool may load more devDependencies at start (vite preview loads its config's plugins): keeping them all
        // is the surer of the two ways that keep it
        return new SkepException(Kind.UNPROCESSABLE, what + " runs " + program + ", which a devDependency provides: "
                + "devDependencies are pruned after the build, so it would not be found at start",
                startWith + "; or keep devDependencies with the config var " + pruned.keptBy() + "; or move the package "
                        + "that provides " + program + ", and what it loads at start, to dependencies");
    }

    private static SkepException unprocessable(String message) {
        return new SkepException(Kind.UNPROCESSABLE, message,
                "add a Procfile with 'web: node server.js', or scripts.start in package.json, naming a file in the upload "
                        + "or one its build script (scripts.build) writes");
    }
}
