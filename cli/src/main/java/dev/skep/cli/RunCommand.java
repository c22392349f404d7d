package dev.skep.cli;

import dev.skep.model.InstanceIds;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** skep run USER/APP -- CMD [ARGS] */
@Command(name = "run", description = {"Run a one-off command in an app's live release, as its instances run "
        + "(env, uid, limits, volumes, Node version), in a throwaway copy of the release; like `heroku run`.",
    "Prints its output and exits with its exit code. Ctrl-C (or a lost connection) kills it and all it started.",
    "No shell unless you run one: skep run alice/shop -- sh -c 'node migrate.js && node seed.js'"})
final class RunCommand extends AppVerb {

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "the command and its arguments, "
            + "after --")
    List<String> command;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = skep().err();
        return client().run(app, command, id -> {
            err.println("Running `" + String.join(" ", command) + "` in " + app + " as "
                    + InstanceIds.process(id) + " (" + id + ")");
            err.flush();
        }, line -> {
            out.println(line);
            out.flush();
        });
    }
}
