package dev.skep.cli;

import dev.skep.client.ClientConfig;
import dev.skep.model.view.Whoami;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** skep whoami: as whom, where, and with which token the CLI talks to skep. */
@Command(name = "whoami", description = "Show the user the token logs in as, the server, and where the token came from.")
final class WhoamiCommand extends ClientVerb {

    @CommandLine.Mixin
    JsonDocumentOption format = new JsonDocumentOption();

    @Override
    public Integer call() {
        Whoami who = client().accounts().whoami();
        ClientConfig config = skep().config(options);
        if (format.json) {
            Map<String, Object> document = new LinkedHashMap<>(); // keys in a stable order
            document.put("user", who.user());
            document.put("admin", who.admin());
            document.put("tokenId", who.tokenId());
            document.put("server", config.server().toString());
            document.put("tokenSource", config.tokenSource());
            return printJson(document);
        }
        out().println(who.user() + (who.admin() ? " (admin)" : "") + " at " + config.server()
                + ", token " + who.tokenId() + " from " + config.tokenSource());
        return SkepCli.EXIT_OK;
    }
}
