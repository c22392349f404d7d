package dev.skep.cli;

import dev.skep.client.StoredLogin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * skep git-credential: a git credential helper (git's {@code credential.helper} protocol) that answers
 * {@code get} with the token {@code skep login} stored, as the password of a push to that same server. For any
 * other server it answers nothing, so git goes on to its other helpers or asks. {@code store} and {@code erase}
 * do nothing: the login is skep's to change.
 */
@Command(name = "git-credential", description = {"A git credential helper: git push to skep with the stored login.",
    "Set it up with: git config credential.http://HOST:PORT.helper '!skep git-credential'"})
final class GitCredentialCommand extends LocalVerb {

    @Parameters(arity = "0..1", paramLabel = "OPERATION", description = "get, store or erase (git says which)")
    String operation;

    @Override
    public Integer call() throws IOException {
        Map<String, String> asked = attributes();
        if (!"get".equals(operation)) {
            return SkepCli.EXIT_OK;
        }
        StoredLogin stored;
        try {
            stored = StoredLogin.load(skep.env(), skep.home());
        } catch (RuntimeException unreadable) {
            stored = null; // git asks instead; skep whoami says what is wrong with the file
        }
        if (stored != null && sameServer(stored.server(), asked)) {
            skep.out().print("username=skep\npassword=" + stored.token() + "\n");
            skep.out().flush();
        }
        return SkepCli.EXIT_OK;
    }

    /** git's "key=value" lines up to an empty line or the end. */
    private Map<String, String> attributes() throws IOException {
        Map<String, String> attributes = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(skep.stdin(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                attributes.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return attributes;
    }

    /** The stored server is the one git pushes to: same scheme, host and port (git names the port when not the default). */
    static boolean sameServer(URI server, Map<String, String> asked) {
        String protocol = asked.get("protocol");
        String host = asked.get("host");
        if (protocol == null || host == null || server.getScheme() == null || server.getHost() == null) {
            return false;
        }
        int defaultPort = "https".equalsIgnoreCase(server.getScheme()) ? 443 : 80;
        String authority = server.getHost()
                + (server.getPort() == -1 || server.getPort() == defaultPort ? "" : ":" + server.getPort());
        return protocol.equalsIgnoreCase(server.getScheme()) && host.equalsIgnoreCase(authority);
    }
}
