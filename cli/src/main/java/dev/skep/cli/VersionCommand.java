package dev.skep.cli;

import picocli.CommandLine.Command;

/** skep version: this client's version, then the server's. */
@Command(name = "version", description = "Show the version of this client and of the server it talks to.")
final class VersionCommand extends ClientVerb {

    @Override
    public Integer call() {
        out().println("client: " + SkepCli.version());
        out().flush();
        out().println("server: " + client().version() + " at " + skep().config(options).server());
        return SkepCli.EXIT_OK;
    }
}
