package dev.skep.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * A verb that works on this machine's files alone (login, logout, completion, git-credential): skep itself and
 * help, without the connection options of {@link ClientVerb}.
 */
abstract class LocalVerb implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;
}
