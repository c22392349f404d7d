package dev.skep.cli;

import dev.skep.model.AppId;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** skep open [USER/APP] [--print-url] */
@Command(name = "open", description = {"Open the app's URL in the browser ($BROWSER, else xdg-open),",
    "or print it when there is no browser to open (no display) or with --print-url."})
final class OpenCommand extends ClientVerb {

    @Parameters(arity = "0..1", paramLabel = "USER/APP",
            description = "the app (default: the one the current directory's .skep file names)")
    AppId app;

    @Option(names = "--print-url", description = "print the URL, do not open it")
    boolean printUrl;

    @Override
    public Integer call() throws IOException, InterruptedException {
        AppId target = app != null ? app : ProjectLink.read(Path.of("").toAbsolutePath());
        if (target == null) {
            throw usage("which app? name it (skep open USER/APP), or run skep open where skep deploy remembered one");
        }
        String url = client().app(target).url();
        if (url == null || url.isBlank()) {
            throw new CliFailure("the server gave no URL for " + target, "see its hosts with skep domains " + target);
        }
        Path browser = printUrl ? null : browser();
        if (browser == null) {
            out().println(url);
            return SkepCli.EXIT_OK;
        }
        Process process = new ProcessBuilder(browser.toString(), url).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new CliFailure(browser + " could not open " + url + " (exit " + exit + ")",
                    "open it yourself, or print it with skep open " + target + " --print-url");
        }
        out().println("opened " + url);
        return SkepCli.EXIT_OK;
    }

    /** $BROWSER, else xdg-open on a desktop (a display to show it on), else null: print the URL. */
    private Path browser() {
        String chosen = skep().env().get("BROWSER");
        if (chosen != null && !chosen.isBlank()) {
            return onPath(chosen.trim());
        }
        boolean display = present("DISPLAY") || present("WAYLAND_DISPLAY");
        return display ? onPath("xdg-open") : null;
    }

    private boolean present(String name) {
        String value = skep().env().get(name);
        return value != null && !value.isBlank();
    }

    /** The executable, looked up in the PATH skep was given (a command line's environment, not only the JVM's). */
    private Path onPath(String command) {
        if (command.contains("/")) {
            return Files.isExecutable(Path.of(command)) ? Path.of(command) : null;
        }
        String path = skep().env().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return Path.of(dir, command);
            }
        }
        return null;
    }
}
