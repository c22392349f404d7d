package dev.skep.cli;

import dev.skep.client.ClientConfig;
import dev.skep.client.SkepClient;
import dev.skep.model.AppId;
import dev.skep.model.DataDirs;
import dev.skep.model.SkepException;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code skep} command: global options, the client verbs, and how failures become exit codes.
 * The server module adds its own subcommands ({@code server}, {@code agent}, {@code router}) to
 * the {@link CommandLine} that {@link #commandLine()} returns.
 */
@Command(name = "skep",
        mixinStandardHelpOptions = true,
        versionProvider = SkepCli.Version.class,
        description = "skep: a private cloud for Node.js apps.",
        synopsisSubcommandLabel = "COMMAND",
        // the verbs are registered as they are needed: see VerbsOnDemand
        footer = {"", "Server, token and CA default to $SKEP_SERVER, $SKEP_TOKEN (else the admin.token file in "
                + "$SKEP_DATA_DIR or ~/.skep) and $SKEP_CA_FILE.",
            "Exit codes: 0 ok, 1 the server said no, 2 usage error, 3 cannot reach the server."})
public final class SkepCli implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    /** The server answered with an error (or a local step such as packing failed). */
    public static final int EXIT_REFUSED = 1;
    /** Bad arguments or missing configuration (picocli's default for usage errors). */
    public static final int EXIT_USAGE = 2;
    /** No answer from the server: refused, timed out, or the connection broke. */
    public static final int EXIT_UNREACHABLE = 3;

    static final String SERVER_HELP = "skep's API address (default: $SKEP_SERVER, else "
            + ClientConfig.DEFAULT_SERVER + ")";
    static final String TOKEN_HELP = "API token (default: $SKEP_TOKEN, else the admin.token file)";
    static final String CA_HELP = "trust this CA for https (default: $SKEP_CA_FILE)";

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final Path home;
    private final Clock clock;
    private final BooleanSupplier interactive;
    private ClientConfig config;
    private SkepClient client;
    private InputStream stdin = System.in;

    SkepCli(Map<String, String> env, Path home, Clock clock, BooleanSupplier interactive) {
        this.env = Map.copyOf(env);
        this.home = home;
        this.clock = clock;
        this.interactive = interactive;
    }

    /** The {@code skep} command for this process: reads the environment and home once, here. */
    public static CommandLine commandLine() {
        return commandLine(new SkepCli(System.getenv(), DataDirs.home(System.getenv()), Clock.systemUTC(),
                SkepCli::onTerminal)); // asked only by verbs that draw progress: finding the console costs ~3 ms
    }

    /** Whether a person watches: JDK 22+ has a Console even when output is piped, and says so. */
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console exists only on a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** The {@code skep} command with the environment, home, clock and terminal given (for tests). */
    public static CommandLine commandLine(Map<String, String> env, Path home, Clock clock, boolean interactive) {
        return commandLine(new SkepCli(env, home, clock, () -> interactive));
    }

    private static CommandLine commandLine(SkepCli cli) {
        CommandLine commandLine = new VerbsOnDemand(cli);
        commandLine.registerConverter(AppId.class, new VerbsOnDemand.AppIdConverter());
        commandLine.setExecutionStrategy(new RunAndClose(cli));
        commandLine.setExecutionExceptionHandler(new Failures.OnExecution());
        commandLine.setParameterExceptionHandler(new Failures.OnUsage());
        return commandLine;
    }

    /**
     * Runs the verb, then closes the client. A class, not a lambda: picocli's interfaces are too
     * old for the JDK's AOT cache, so a lambda of them would be spun at every start.
     */
    private static final class RunAndClose implements CommandLine.IExecutionStrategy {
        private final SkepCli cli;

        RunAndClose(SkepCli cli) {
            this.cli = cli;
        }

        @Override
        public int execute(CommandLine.ParseResult parseResult) {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } finally {
                cli.closeClient();
            }
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** {@code skep} alone: show what there is to do, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(err());
        return EXIT_USAGE;
    }

    // --- for the verbs ---

    /**
     * The client, set up on first use from the verb's options, else skep's own, else the
     * environment; closed after the command.
     */
    SkepClient client(ClientOptions verb) {
        if (client == null) {
            client = SkepClient.of(config(verb));
        }
        return client;
    }

    ClientConfig config(ClientOptions verb) {
        if (config == null) {
            ConnectionOptions mine = verb.connection;
            config = ClientConfig.resolve(either(mine.server, connection.server), either(mine.token, connection.token),
                    either(mine.caFile, connection.caFile), env, home);
        }
        return config;
    }

    private static String either(String verbValue, String topValue) {
        return verbValue != null ? verbValue : topValue;
    }

    /** The config if it was resolved during this command, else null (for error messages). */
    ClientConfig resolvedConfig() {
        return config;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Clock clock() {
        return clock;
    }

    Map<String, String> env() {
        return env;
    }

    Path home() {
        return home;
    }

    /** Standard input; tests give their own. */
    InputStream stdin() {
        return stdin;
    }

    void stdin(InputStream in) {
        this.stdin = in;
    }

    /** The top-level --server, --token and --ca-file, for verbs that do not take the mixin. */
    ConnectionOptions top() {
        return connection;
    }

    /** True when a person watches a terminal: progress may redraw one line. */
    boolean interactive() {
        return interactive.getAsBoolean();
    }

    /**
     * Whether output may be coloured: on a terminal, and NO_COLOR unset or empty (no-color.org). skep prints no
     * colour today; whatever adds some asks here first (NoColourTest holds the sources to that).
     */
    boolean colour() {
        String noColour = env.get("NO_COLOR");
        return (noColour == null || noColour.isEmpty()) && interactive();
    }

    private void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** A USER/APP a command parses from its own arguments (not a typed parameter): a usage error if invalid. */
    static AppId appArgument(CommandLine.Model.CommandSpec spec, String text) {
        try {
            return appId(text);
        } catch (CommandLine.TypeConversionException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static AppId appId(String text) {
        try {
            return AppId.parse(text);
        } catch (SkepException e) {
            throw new CommandLine.TypeConversionException(
                    e.getMessage() + (e.detail() == null ? "" : " (" + e.detail() + ")"));
        }
    }

    /** The version of this build, from version.properties (written by Maven). */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = SkepCli.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "skep (unknown version: " + e.getMessage() + ")";
        }
        return "skep " + Objects.requireNonNullElse(properties.getProperty("version"), "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }
}
