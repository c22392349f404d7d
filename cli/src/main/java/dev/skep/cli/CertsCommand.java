package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.CertificateView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** skep certs [ls] USER/APP | skep certs add USER/APP DOMAIN --cert F --key F | skep certs rm USER/APP DOMAIN */
@Command(name = "certs", description = {"List, add or remove an app's HTTPS certificates; the routers choose them",
    "by SNI name, live within a second. The key is kept in skep's state, never shown again.",
    "  skep certs alice/shop",
    "  skep certs add alice/shop shop.example.com --cert fullchain.pem --key privkey.pem",
    "  skep certs rm alice/shop shop.example.com"})
final class CertsCommand extends ClientVerb {

    @Parameters(paramLabel = "[ls|add|rm] USER/APP [DOMAIN]", description = "what to do")
    List<String> args = new ArrayList<>();

    @Option(names = "--cert", paramLabel = "PEM", description = "add: the certificate chain, leaf first")
    Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "add: its unencrypted PKCS#8 key")
    Path key;

    @Option(names = "--json", description = "list the certificates as one JSON document (the API's fields)")
    boolean json;

    @Override
    public Integer call() {
        AppAction a = AppAction.parse(spec, args, List.of(AppAction.LIST, "add", "rm"), "use: skep certs [ls] "
                + "USER/APP, skep certs add USER/APP DOMAIN --cert PEM --key PEM, or skep certs rm USER/APP DOMAIN");
        if (a.lists()) {
            print(client().edge().certificates(a.app()));
            return SkepCli.EXIT_OK;
        }
        AppId app = a.app();
        String domain = a.thing();
        if (a.action().equals("rm")) {
            client().edge().removeCertificate(app, domain);
            out().println("removed the certificate of " + domain + " from " + app);
            return SkepCli.EXIT_OK;
        }
        if (cert == null || key == null) {
            throw usage("skep certs add needs --cert PEM and --key PEM");
        }
        List<CertificateView> after = client().edge().putCertificate(app, domain, read(cert), read(key));
        if (json) {
            print(after);
            return SkepCli.EXIT_OK;
        }
        out().println("added a certificate for " + domain + " to " + app + " (live on the routers within a second)");
        print(after);
        return SkepCli.EXIT_OK;
    }

    private String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw usage("cannot read " + file + ": " + e.getMessage());
        }
    }


    private void print(List<CertificateView> certificates) {
        if (json) {
            out().println(Views.json(certificates));
            return;
        }
        if (certificates.isEmpty()) {
            out().println("no certificates (HTTPS clients get the router's default certificate)");
            return;
        }
        for (CertificateView c : certificates) {
            out().println(c.domain() + "  " + c.subject() + "  names " + String.join(",", c.sans())
                    + "  expires " + c.notAfter());
        }
    }
}
