package dev.skep.cli;

import java.util.Map;
import picocli.CommandLine.Command;

/** skep health rm USER/APP */
@Command(name = "rm", description = "Remove an app's health check: its instances are no longer checked while they run.")
final class HealthRmCommand extends AppVerb {

    @Override
    public Integer call() {
        client().monitor().setHealth(app, Map.of("type", "off"));
        return done("health check of " + app + " removed");
    }
}
