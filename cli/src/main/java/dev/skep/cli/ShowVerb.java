package dev.skep.cli;

import dev.skep.model.AppId;
import java.io.PrintWriter;
import picocli.CommandLine.Parameters;

/**
 * A verb that shows one app's settings (skep alerts, skep health): as text, or with {@code --json} the API's
 * document; its own verbs (set, rm ...) change them. Each says only what it fetches and how it reads as text.
 */
abstract class ShowVerb<T> extends ClientVerb {

    @Parameters(arity = "0..1", paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    /** Set by each verb's --json, whose help names what the document holds. */
    boolean json;

    abstract T fetch(AppId app);

    /** The settings as text, as the set verbs print them after a change too. */
    abstract void show(PrintWriter out, AppId app, T settings);

    @Override
    public final Integer call() {
        if (app == null) {
            String name = spec.name();
            throw usage("name the app: skep " + name + " USER/APP, or skep " + name + " "
                    + String.join("|", spec.subcommands().keySet()) + " USER/APP");
        }
        T settings = fetch(app);
        if (json) {
            return printJson(settings);
        }
        show(out(), app, settings);
        return SkepCli.EXIT_OK;
    }
}
