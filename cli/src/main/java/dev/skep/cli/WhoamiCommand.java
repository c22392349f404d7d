package dev.skep.cli;

import dev.skep.client.ClientConfig;
import dev.skep.model.view.Whoami;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** skep whoami: as whom, where, and with which token the CLI talks to skep. */
@Command(name = "whoami", description = "Show the user the token logs in as, the server, and where the token came from.")
final class WhoamiCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Mixin
    ClientOptions options;

    @Override
    public Integer call() {
        Whoami who = skep.client(options).accounts().whoami();
        ClientConfig config = skep.config(options);
        skep.out().println(who.user() + (who.admin() ? " (admin)" : "") + " at " + config.server()
                + ", token " + who.tokenId() + " from " + config.tokenSource());
        return SkepCli.EXIT_OK;
    }
}
