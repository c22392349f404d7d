package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.AppView;
import picocli.CommandLine.Parameters;

/** A verb on one app, named first: {@code skep VERB USER/APP ...}. */
abstract class AppVerb extends ClientVerb {

    @Parameters(index = "0", paramLabel = "USER/APP", description = "the app, e.g. alice/shop")
    AppId app;

    /** After a change: the app's summary, and how to watch it settle. */
    final int printChanged(AppView after) {
        Views.printChanged(out(), after);
        return SkepCli.EXIT_OK;
    }
}
