package dev.skep.cli;

import picocli.CommandLine.Command;

/** skep create USER/APP */
@Command(name = "create", description = "Create an app with no release, to set its env before its first deploy.")
final class CreateCommand extends AppVerb {

    @Override
    public Integer call() {
        client().create(app);
        return done("created " + app + ": set its env with `skep env " + app + " set KEY=VALUE` (its first build "
                + "sees it), then `skep deploy --app " + app + "`");
    }
}
