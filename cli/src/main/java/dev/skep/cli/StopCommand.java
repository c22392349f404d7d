package dev.skep.cli;

import picocli.CommandLine.Command;

/** skep stop USER/APP */
@Command(name = "stop", description = "Stop all instances of an app (its releases and settings are kept).")
final class StopCommand extends AppVerb {

    @Override
    public Integer call() {
        return printChanged(client().stop(app));
    }
}
