package dev.skep.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** skep version: this client's version, then the server's. */
@Command(name = "version", description = "Show the version of this client and of the server it talks to.")
final class VersionCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Mixin
    ClientOptions options;

    @Override
    public Integer call() {
        skep.out().println("client: " + SkepCli.version());
        skep.out().flush();
        skep.out().println("server: " + skep.client(options).version() + " at " + skep.config(options).server());
        return SkepCli.EXIT_OK;
    }
}
