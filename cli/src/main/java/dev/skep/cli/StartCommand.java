package dev.skep.cli;

import picocli.CommandLine.Command;

/** skep start USER/APP */
@Command(name = "start", description = "Start an app's instances again after a stop.")
final class StartCommand extends AppVerb {

    @Override
    public Integer call() {
        return printChanged(client().start(app));
    }
}
