package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.AlertSettings;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** skep alerts USER/APP, and its verbs set, rm, test. */
@Command(name = "alerts", description = {"Show an app's alert settings: who gets mail, which webhooks, its rules.",
    "Apps without recipients of their own alert the install's (--alert-mail, --webhook of skep server)."},
        subcommands = {AlertsSetCommand.class, AlertsRmCommand.class, AlertsTestCommand.class})
final class AlertsCommand extends ShowVerb<AlertSettings> {

    @CommandLine.Option(names = "--json", description = "print the settings as one JSON document (the API's fields)")
    void json(boolean on) {
        json = on;
    }

    @Override
    AlertSettings fetch(AppId app) {
        return client().monitor().alerts(app);
    }

    @Override
    void show(PrintWriter out, AppId app, AlertSettings settings) {
        print(out, settings);
    }

    /** The mail line: without a mail server, recipients (the app's or the install's) get nothing, so it says so. */
    static String mail(AlertSettings a) {
        if (Boolean.FALSE.equals(a.mailServer())) {
            return (a.mail().isEmpty() ? "none" : String.join(", ", a.mail()) + ", but none is sent")
                    + ": the install has no mail server (skep server --smtp-host HOST; see --smtp-* in the README)";
        }
        return a.mail().isEmpty() ? "(the install's)" : String.join(", ", a.mail());
    }

    static void print(PrintWriter out, AlertSettings a) {
        out.println("app:      " + a.app());
        out.println("mail:     " + mail(a));
        out.println("webhooks: " + (a.webhooks().isEmpty() ? "(the install's)" : String.join(", ", a.webhooks())));
        if (a.webhookSecret() != null) {
            out.println("webhook signing key (X-Skep-Signature: sha256=HMAC of the body): " + a.webhookSecret());
        }
        out.println("rules:    " + (a.rules().isEmpty() ? "(the defaults)" : a.rules().size() + " of its own"));
        for (var rule : a.rules()) {
            out.println("  " + rule);
        }
    }
}
