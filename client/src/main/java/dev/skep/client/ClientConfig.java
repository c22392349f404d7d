package dev.skep.client;

import dev.skep.model.DataDirs;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the client talks to and as whom, resolved once from flags, the environment and files.
 *
 * @param server      base URL, no trailing slash, e.g. http://127.0.0.1:9002
 * @param token       the bearer token
 * @param tokenSource where the token came from ("--token", "SKEP_TOKEN" or the file), for messages
 * @param caFile      a PEM CA file to trust for https, or null for the JDK's trust store
 */
public record ClientConfig(URI server, String token, String tokenSource, Path caFile) {

    public static final String DEFAULT_SERVER = "http://127.0.0.1:9002";
    public static final String TOKEN_FILE = "admin.token";

    public ClientConfig {
        if (server == null || token == null || token.isBlank()) {
            throw new IllegalArgumentException("server and token are required, found " + server + " and "
                    + (token == null ? "null" : "a blank token"));
        }
    }

    /** Same as {@link #resolve(String, String, String, Map, Path)} without a CA flag. */
    public static ClientConfig resolve(String serverFlag, String tokenFlag, Map<String, String> env, Path home) {
        return resolve(serverFlag, tokenFlag, null, env, home);
    }

    /**
     * server: flag, else SKEP_SERVER, else the server {@code skep login} stored ({@link StoredLogin}),
     * else {@value #DEFAULT_SERVER}. token: flag, else SKEP_TOKEN, else the stored login's when it is
     * for that server, else the file admin.token in SKEP_DATA_DIR (else ~/.skep, /var/lib/skep for
     * root), trimmed. CA: flag, else SKEP_CA_FILE, else the stored login's for its server.
     *
     * @throws ClientConfigException when no token is found or the server address is not a URL
     */
    public static ClientConfig resolve(String serverFlag, String tokenFlag, String caFlag,
                                       Map<String, String> env, Path home) {
        String serverGiven = firstOf(serverFlag, env.get("SKEP_SERVER"), null);
        boolean tokenGiven = present(tokenFlag) || present(env.get("SKEP_TOKEN"));
        // read only when it may matter: a command with flags or environment for everything never does
        StoredLogin stored = serverGiven != null && tokenGiven ? null : StoredLogin.load(env, home);
        URI server = serverGiven != null ? parseServer(serverGiven)
                : stored != null ? stored.server() : parseServer(DEFAULT_SERVER);
        // a stored token goes only to the server it was checked against
        StoredLogin login = stored != null && stored.server().equals(server) ? stored : null;
        String ca = firstOf(caFlag, env.get("SKEP_CA_FILE"), null);
        Path caFile = ca != null ? Path.of(ca) : login != null ? login.caFile() : null;
        if (present(tokenFlag)) {
            return new ClientConfig(server, tokenFlag.trim(), "--token", caFile);
        }
        if (present(env.get("SKEP_TOKEN"))) {
            return new ClientConfig(server, env.get("SKEP_TOKEN").trim(), "SKEP_TOKEN", caFile);
        }
        if (login != null) {
            return new ClientConfig(server, login.token(), StoredLogin.file(env, home).toString(), caFile);
        }
        // ~/.skep first; root's server keeps its data in /var/lib/skep by default
        Path file = DataDirs.resolve(env, home, false).resolve(TOKEN_FILE);
        Path rootDefault = DataDirs.ROOT_DEFAULT.resolve(TOKEN_FILE);
        if (!present(env.get("SKEP_DATA_DIR")) && !Files.exists(file) && Files.exists(rootDefault)
                && DataDirs.runningAsRoot()) {
            file = rootDefault;
        }
        String token = readToken(file);
        return new ClientConfig(server, token, file.toString(), caFile);
    }

    private static String readToken(Path file) {
        String howToGive = "log in with skep login SERVER, pass --token TOKEN or set SKEP_TOKEN (on the server host, `skep server` writes "
                + "its admin token to " + file + ")";
        try {
            String token = Files.readString(file).trim();
            if (token.isEmpty()) {
                throw new ClientConfigException("no skep token: " + file + " is empty", howToGive);
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new ClientConfigException("no skep token given", howToGive);
        } catch (IOException e) {
            throw new ClientConfigException("no skep token: cannot read " + file + " (" + e + ")", howToGive, e);
        }
    }

    /** Accepts "http://host:port", "https://host" and a bare "host:port" (taken as http). */
    public static URI parseServer(String text) {
        String value = text.trim();
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        if (!value.contains("://")) {
            value = "http://" + value;
        }
        try {
            URI uri = new URI(value);
            boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!web || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
                throw badServer(text, null);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw badServer(text, e);
        }
    }

    private static ClientConfigException badServer(String text, Throwable cause) {
        return new ClientConfigException("invalid skep server address '" + text + "'",
                "give it as http://HOST:PORT, e.g. " + DEFAULT_SERVER, cause);
    }

    private static String firstOf(String flag, String envValue, String fallback) {
        if (present(flag)) {
            return flag.trim();
        }
        if (present(envValue)) {
            return envValue.trim();
        }
        return fallback;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "ClientConfig[server=" + server + ", token from " + tokenSource + ", caFile=" + caFile + "]";
    }
}
