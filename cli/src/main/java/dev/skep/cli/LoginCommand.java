package dev.skep.cli;

import dev.skep.client.ClientConfig;
import dev.skep.client.SkepClient;
import dev.skep.client.StoredLogin;
import dev.skep.model.view.Whoami;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** skep login [SERVER] [--token-stdin]: check a server and token, then remember them. */
@Command(name = "login", description = {"Check a server and token (as whom they log in), then remember them",
    "in $XDG_CONFIG_HOME/skep/login (default ~/.config/skep/login, readable by you only).",
    "Later commands use them when neither --server/--token nor SKEP_SERVER/SKEP_TOKEN is given.",
    "  skep login https://skep.example.com            (asks for the token)",
    "  skep login https://skep.example.com --token-stdin < token.txt"})
final class LoginCommand extends LocalVerb {

    @Parameters(arity = "0..1", paramLabel = "SERVER",
            description = "skep's API address (default: --server, $SKEP_SERVER, else " + ClientConfig.DEFAULT_SERVER + ")")
    String serverArgument;

    @Option(names = "--server", paramLabel = "URL", description = "the same as SERVER")
    String serverOption;

    @Option(names = "--token-stdin", description = "read the token from standard input (its first line)")
    boolean tokenStdin;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "the token (default: --token-stdin, $SKEP_TOKEN, else asked for on the terminal)")
    String tokenOption;

    @Option(names = "--ca-file", paramLabel = "PEM", description = SkepCli.CA_HELP + "; remembered with the login")
    String caFile;

    @Option(names = "--git", description = {"also make `skep git-credential` git's credential helper for this server",
        "(git config --global credential.SERVER.helper), so git push to it needs no password"})
    boolean git;

    @Override
    public Integer call() throws IOException {
        URI server = ClientConfig.parseServer(first(serverArgument, serverOption, skep.top().server,
                skep.env().get("SKEP_SERVER"), ClientConfig.DEFAULT_SERVER));
        String token = token(server);
        String ca = first(caFile, skep.top().caFile, skep.env().get("SKEP_CA_FILE"), null, null);
        Path caPath = ca == null ? null : Path.of(ca).toAbsolutePath();
        Whoami who;
        try (SkepClient client = SkepClient.of(new ClientConfig(server, token, "login", caPath))) {
            who = client.accounts().whoami(); // a wrong token or server fails here, and nothing is stored
        }
        Path file = new StoredLogin(server, token, caPath).save(skep.env(), skep.home());
        skep.out().println("logged in to " + server + " as " + who.user() + (who.admin() ? " (admin)" : "")
                + "; saved in " + file);
        if (git) {
            configureGit(server);
        }
        if (skep.env().get("SKEP_TOKEN") != null && !skep.env().get("SKEP_TOKEN").isBlank()) {
            skep.err().println("note: SKEP_TOKEN is set, and wins over the stored login until you unset it");
        }
        return SkepCli.EXIT_OK;
    }

    /** git config --global credential.SERVER.helper '!skep git-credential', in this user's global git config. */
    private void configureGit(URI server) {
        String key = "credential." + server.toString().replaceAll("/+$", "") + ".helper";
        ProcessBuilder config = new ProcessBuilder("git", "config", "--global", "--replace-all", key, "!skep git-credential")
                .redirectErrorStream(true);
        config.environment().put("HOME", skep.home().toString());
        for (String name : new String[] {"PATH", "GIT_CONFIG_GLOBAL", "XDG_CONFIG_HOME"}) {
            if (skep.env().get(name) != null) {
                config.environment().put(name, skep.env().get(name));
            } else if (!name.equals("PATH")) {
                config.environment().remove(name);
            }
        }
        String output;
        int exit;
        try {
            Process process = config.start();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            exit = process.waitFor();
        } catch (IOException e) {
            throw new CliFailure("logged in, but could not run git to set its credential helper: " + e.getMessage(),
                    "install git, then run skep login " + server + " --git again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted while setting git's credential helper", "run skep login --git again");
        }
        if (exit != 0) {
            throw new CliFailure("logged in, but git config failed (exit " + exit + "): " + output,
                    "set it by hand: git config --global " + key + " '!skep git-credential'");
        }
        skep.out().println("git push to " + server + "/git/USER/APP.git now uses this login (" + key + ")");
    }

    private String token(URI server) throws IOException {
        if (tokenStdin) {
            String line = new BufferedReader(new InputStreamReader(skep.stdin(), StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isBlank()) {
                throw new CliFailure("no token on standard input", "pipe it in: skep login " + server
                        + " --token-stdin < token.txt");
            }
            return line.trim();
        }
        String given = first(tokenOption, skep.top().token, skep.env().get("SKEP_TOKEN"), null, null);
        if (given != null) {
            return given;
        }
        Console console = System.console();
        if (console != null && skep.interactive()) {
            char[] typed = console.readPassword("token for %s: ", server);
            if (typed != null && typed.length > 0) {
                return new String(typed).trim();
            }
        }
        throw new CliFailure("no token given for " + server, "type it when asked (on a terminal), or pass it with "
                + "--token-stdin (skep login " + server + " --token-stdin < token.txt)");
    }

    private static String first(String a, String b, String c, String d, String fallback) {
        for (String value : new String[] {a, b, c, d}) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return fallback;
    }
}
