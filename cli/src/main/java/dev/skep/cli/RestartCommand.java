package dev.skep.cli;

import picocli.CommandLine.Command;

/** skep restart USER/APP */
@Command(name = "restart", description = "Restart all instances of an app, as the server rolls them.")
final class RestartCommand extends AppVerb {

    @Override
    public Integer call() {
        return printChanged(client().restart(app));
    }
}
