package dev.skep.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A verb that only holds verbs ({@code skep users}, {@code skep tokens}): alone, it shows them, as a usage error. */
abstract class VerbGroup implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        spec.commandLine().usage(((SkepCli) spec.root().userObject()).err());
        return SkepCli.EXIT_USAGE;
    }
}
