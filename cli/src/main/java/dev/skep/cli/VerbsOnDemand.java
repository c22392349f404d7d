package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The {@code skep} command line with its verbs registered when a command needs them. picocli
 * builds a verb's model from its annotations by reflection; {@code skep ps} thus builds the model
 * of {@code ps} only, not of all twelve verbs. Help, usage errors and unknown verbs register them
 * all, in the order below, ahead of the verbs others added ({@code server} ...).
 */
final class VerbsOnDemand extends CommandLine {

    /** The verbs in the order the usage lists them. */
    private static final Map<String, Supplier<Object>> VERBS = verbs();
    private static final Set<String> TOP_OPTIONS_WITH_VALUE = Set.of("--server", "--token", "--ca-file");

    VerbsOnDemand(SkepCli skep) {
        super(skep);
    }

    private static Map<String, Supplier<Object>> verbs() {
        Map<String, Supplier<Object>> verbs = new LinkedHashMap<>();
        verbs.put("deploy", DeployCommand::new);
        verbs.put("ps", PsCommand::new);
        verbs.put("logs", LogsCommand::new);
        verbs.put("start", StartCommand::new);
        verbs.put("stop", StopCommand::new);
        verbs.put("restart", RestartCommand::new);
        verbs.put("scale", ScaleCommand::new);
        verbs.put("env", EnvCommand::new);
        verbs.put("rollback", RollbackCommand::new);
        verbs.put("delete", DeleteCommand::new);
        verbs.put("version", VersionCommand::new);
        verbs.put("help", CommandLine.HelpCommand::new);
        return verbs;
    }

    @Override
    public int execute(String... args) {
        String verb = verb(args);
        if (verb != null && VERBS.containsKey(verb) && !"help".equals(verb)) {
            if (!getSubcommands().containsKey(verb)) {
                addSubcommand(verb, VERBS.get(verb).get());
                configureVerbs();
            }
        } else if (verb == null || !getSubcommands().containsKey(verb)) {
            registerAll();
        }
        return super.execute(args);
    }

    /** The first word that is not a top-level option, or null when help or an option comes first. */
    static String verb(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            if (TOP_OPTIONS_WITH_VALUE.contains(arg)) {
                i++;
            } else if (equals > 0 && TOP_OPTIONS_WITH_VALUE.contains(arg.substring(0, equals))) {
                continue;
            } else if (arg.startsWith("-") || arg.startsWith("@")) {
                return null; // --help, --version, an unknown option or an argument file
            } else {
                return arg;
            }
        }
        return null;
    }

    /** Every verb, in usage order, then what others added, in the order they added it. */
    private void registerAll() {
        if (getSubcommands().keySet().containsAll(VERBS.keySet())) {
            return;
        }
        Map<String, CommandLine> present = new LinkedHashMap<>(getSubcommands());
        present.keySet().forEach(getCommandSpec()::removeSubcommand);
        VERBS.forEach((name, verb) -> addSubcommand(name, present.containsKey(name) ? present.remove(name) : verb.get()));
        present.forEach(this::addSubcommand);
        configureVerbs();
    }

    /** What the top-level command line was told applies to every subcommand, also to those added now. */
    private void configureVerbs() {
        registerConverter(AppId.class, SkepCli::appId);
        setOut(getOut());
        setErr(getErr());
    }
}
