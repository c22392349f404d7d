package dev.skep.cli;

import dev.skep.client.SkepClient;
import dev.skep.client.SkepClientException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every client verb shares: where and as whom to connect, the skep command it runs under (client, output,
 * clock) and its usage errors. A verb is then only its {@code call()}: ask the server, print the answer.
 */
abstract class ClientVerb implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    /** skep itself: the root of every verb, of nested ones ({@code skep tokens ls}) too. */
    final SkepCli skep() {
        return (SkepCli) spec.root().userObject();
    }

    /** The client, connected as this verb's options (else skep's, else the environment) say. */
    final SkepClient client() {
        return skep().client(options);
    }

    final PrintWriter out() {
        return skep().out();
    }

    /** A usage error of this verb: picocli prints it with the verb's usage, exit code 2. */
    final ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** A one-line answer, such as "health check of alice/shop removed". */
    final int done(String line) {
        out().println(line);
        return SkepCli.EXIT_OK;
    }

    /**
     * A followed stream ({@code logs -f}, {@code events -f}) that the server ended: it only does so when it stops or
     * restarts (Ctrl-C ends the CLI itself), so this is a failure to say, not the silent exit 0 it was.
     */
    final SkepClientException followEnded(String what) {
        return new SkepClientException(client().server() + " ended " + what + " (it stopped or restarted)",
                "run the command again to go on following", null);
    }

    /** A value as the API writes it: what --json prints. */
    final int printJson(Object value) {
        out().println(Views.json(value));
        return SkepCli.EXIT_OK;
    }
}
