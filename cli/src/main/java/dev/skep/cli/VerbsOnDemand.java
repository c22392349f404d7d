package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The {@code skep} command line with its verbs registered when a command needs them. picocli
 * builds a verb's model from its annotations by reflection; {@code skep ps} thus builds the model
 * of {@code ps} only, not of all twenty verbs. Help, usage errors and unknown verbs register them
 * all, in usage order, ahead of the verbs others added ({@code server} ...).
 *
 * <p>No lambdas here: this class extends picocli's, which the JDK's AOT cache cannot hold (picocli
 * is compiled for Java 5), so lambdas of this class would be spun at every start.
 */
final class VerbsOnDemand extends CommandLine {

    /** The verbs in the order the usage lists them. */
    static final List<String> VERBS = List.of("login", "logout", "whoami", "create", "deploy", "open", "ps", "logs", "run", "start", "stop", "restart", "scale", "env",
            "releases", "rollback", "domains", "volumes", "set", "certs", "delete", "events", "top", "alerts", "health", "users", "tokens", "audit", "agents", "dashboard", "git-credential", "version", "completion", "help");
    private static final Set<String> TOP_OPTIONS_WITH_VALUE = Set.of("--server", "--token", "--ca-file");

    VerbsOnDemand(SkepCli skep) {
        super(skep);
    }

    static Object newVerb(String name) {
        return switch (name) {
            case "login" -> new LoginCommand();
            case "logout" -> new LogoutCommand();
            case "whoami" -> new WhoamiCommand();
            case "create" -> new CreateCommand();
            case "deploy" -> new DeployCommand();
            case "open" -> new OpenCommand();
            case "ps" -> new PsCommand();
            case "logs" -> new LogsCommand();
            case "run" -> new RunCommand();
            case "start" -> new StartCommand();
            case "stop" -> new StopCommand();
            case "restart" -> new RestartCommand();
            case "scale" -> new ScaleCommand();
            case "env" -> new EnvCommand();
            case "releases" -> new ReleasesCommand();
            case "rollback" -> new RollbackCommand();
            case "domains" -> new DomainsCommand();
            case "volumes" -> new VolumesCommand();
            case "set" -> new SetCommand();
            case "certs" -> new CertsCommand();
            case "delete" -> new DeleteCommand();
            case "events" -> new EventsCommand();
            case "top" -> new TopCommand();
            case "alerts" -> new AlertsCommand();
            case "health" -> new HealthCommand();
            case "users" -> new UsersCommand();
            case "tokens" -> new TokensCommand();
            case "audit" -> new AuditCommand();
            case "agents" -> new AgentsCommand();
            case "dashboard" -> new DashboardCommand();
            case "git-credential" -> new GitCredentialCommand();
            case "version" -> new VersionCommand();
            case "completion" -> new CompletionCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no verb " + name + ", expected one of " + VERBS);
        };
    }

    @Override
    public int execute(String... args) {
        String verb = verb(args);
        if (verb != null && VERBS.contains(verb) && !"help".equals(verb)) {
            if (!getSubcommands().containsKey(verb)) {
                addSubcommand(verb, newVerb(verb));
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
    void registerAll() {
        if (getSubcommands().keySet().containsAll(VERBS)) {
            return;
        }
        Map<String, CommandLine> present = new LinkedHashMap<>(getSubcommands());
        for (String name : present.keySet()) {
            getCommandSpec().removeSubcommand(name);
        }
        for (String name : VERBS) {
            CommandLine registered = present.remove(name);
            addSubcommand(name, registered != null ? registered : newVerb(name));
        }
        for (Map.Entry<String, CommandLine> other : present.entrySet()) {
            addSubcommand(other.getKey(), other.getValue());
        }
        configureVerbs();
    }

    /** What the top-level command line was told applies to every subcommand, also to those added now. */
    private void configureVerbs() {
        registerConverter(AppId.class, new AppIdConverter());
        setOut(getOut());
        setErr(getErr());
    }

    /** USER/APP arguments. */
    static final class AppIdConverter implements CommandLine.ITypeConverter<AppId> {
        @Override
        public AppId convert(String text) {
            return SkepCli.appId(text);
        }
    }
}
