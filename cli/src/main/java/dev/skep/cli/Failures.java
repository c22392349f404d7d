package dev.skep.cli;

import dev.skep.client.ClientConfig;
import dev.skep.client.ClientConfigException;
import dev.skep.client.SkepApiException;
import dev.skep.client.SkepClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Turns failures into a message a person can act on, and an exit code. One place. */
final class Failures {

    private Failures() {
    }

    static int handle(Exception failure, CommandLine command, ParseResult parseResult) throws Exception {
        PrintWriter err = command.getErr();
        int code;
        if (failure instanceof SkepApiException api) {
            print(err, api.error().error(), api.error().detail());
            if (api.status() == 401) {
                ClientConfig config = top(command).resolvedConfig();
                if (config != null) {
                    err.println("the token came from " + config.tokenSource() + " and was sent to " + config.server());
                }
            }
            code = SkepCli.EXIT_REFUSED;
        } else if (failure instanceof SkepClientException client) {
            print(err, client.getMessage(), client.detail());
            code = SkepCli.EXIT_UNREACHABLE;
        } else if (failure instanceof ClientConfigException config) {
            print(err, config.getMessage(), config.detail());
            code = SkepCli.EXIT_USAGE;
        } else if (failure instanceof CliFailure local) {
            print(err, local.getMessage(), local.detail());
            code = SkepCli.EXIT_REFUSED;
        } else if (failure instanceof IOException || failure instanceof UncheckedIOException) {
            print(err, String.valueOf(failure.getMessage()), "a local file could not be read or written");
            code = SkepCli.EXIT_REFUSED;
        } else {
            throw failure; // a bug: picocli prints the stack trace, exit 1
        }
        err.flush();
        return code;
    }

    /** Usage errors: the message, the synopsis, and where to read more; exit 2. */
    static int usage(ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("error: " + failure.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(failure, err);
        err.print("usage: " + command.getHelp().synopsis(0));
        err.println("see `" + command.getCommandSpec().qualifiedName() + " --help`");
        err.flush();
        return SkepCli.EXIT_USAGE;
    }

    /** {@link #handle} for picocli (a class, not a lambda: see SkepCli.RunAndClose). */
    static final class OnExecution implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception failure, CommandLine command, ParseResult parseResult)
                throws Exception {
            return handle(failure, command, parseResult);
        }
    }

    /** {@link #usage} for picocli. */
    static final class OnUsage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException failure, String[] args) {
            return usage(failure, args);
        }
    }

    private static void print(PrintWriter err, String error, String detail) {
        err.println("error: " + error);
        if (detail != null && !detail.isBlank()) {
            err.println(detail);
        }
    }

    private static SkepCli top(CommandLine command) {
        CommandLine at = command;
        while (at.getParent() != null) {
            at = at.getParent();
        }
        return (SkepCli) at.getCommand();
    }
}
