package dev.skep.cli;

import dev.skep.model.AppId;
import dev.skep.model.view.LoginLink;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** skep dashboard [USER/APP] [--print-url]: a one-time login link to the web dashboard, opened in the browser. */
@Command(name = "dashboard", description = {"Open the web dashboard, logged in as this token's user.",
    "The link works once, for 2 minutes; the browser then holds a session of its own."})
final class DashboardCommand extends ClientVerb {

    @Parameters(index = "0", arity = "0..1", paramLabel = "USER/APP", description = "open this app's page")
    AppId app;

    @Option(names = "--print-url", description = "print the link instead of opening a browser")
    boolean printUrl;

    @Override
    public Integer call() {
        LoginLink link = client().dashboardLink();
        String server = skep().config(options).server().toString().replaceAll("/+$", "");
        String url = server + link.path() + (app == null ? "" : "&app=" + app);
        if (printUrl) {
            out().println(url);
            return SkepCli.EXIT_OK;
        }
        if (open(url)) {
            out().println("opened the dashboard in your browser (the link works once, for 2 minutes)");
        } else {
            out().println("open this link in your browser (it works once, for 2 minutes):");
            out().println(url);
        }
        return SkepCli.EXIT_OK;
    }

    /** Hands the link to the desktop's opener; false when there is none (a server, ssh without a display). */
    private static boolean open(String url) {
        String os = System.getProperty("os.name", "").toLowerCase();
        String opener = os.contains("mac") ? "open" : os.contains("win") ? null : "xdg-open";
        if (opener == null || (!os.contains("mac") && System.getenv("DISPLAY") == null
                && System.getenv("WAYLAND_DISPLAY") == null)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(opener, url).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
