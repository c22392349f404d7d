package dev.skep.client;

import dev.skep.model.fs.PrivateFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * What {@code skep login} remembers: a server, its token and the CA to trust for it, in
 * {@code $XDG_CONFIG_HOME/skep/login} (default {@code ~/.config/skep/login}), readable by the
 * user only (file 0600, directory 0700), as {@code key=value} lines.
 *
 * @param caFile a PEM CA file, or null for the JDK's trust store
 */
public record StoredLogin(URI server, String token, Path caFile) {

    static final String FILE = "login";

    public StoredLogin {
        if (server == null || token == null || token.isBlank() || token.contains("\n")) {
            throw new IllegalArgumentException("a stored login needs a server and a one-line token");
        }
    }

    /** The directory skep keeps the user's settings in. */
    public static Path configDir(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        // the XDG spec: a relative XDG_CONFIG_HOME is invalid and must be ignored
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        return base.resolve("skep");
    }

    public static Path file(Map<String, String> env, Path home) {
        return configDir(env, home).resolve(FILE);
    }

    /** The stored login, or null when there is none. A file that cannot be read or makes no sense is an error. */
    public static StoredLogin load(Map<String, String> env, Path home) {
        Path file = file(env, home);
        String text = TextFiles.readIfPresent(file, e -> new ClientConfigException("cannot read the stored login "
                + file + " (" + e + ")", "fix its permissions, or forget it with skep logout", e));
        if (text == null) {
            return null;
        }
        String server = null;
        String token = null;
        String ca = null;
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String value = line.substring(equals + 1).trim();
            switch (line.substring(0, equals).trim()) {
                case "server" -> server = value;
                case "token" -> token = value;
                case "ca-file" -> ca = value;
                default -> { } // a later version's key: not ours to refuse
            }
        }
        if (server == null || token == null || token.isEmpty()) {
            throw new ClientConfigException("the stored login " + file + " has no server or no token",
                    "log in again with skep login SERVER, or forget it with skep logout");
        }
        return new StoredLogin(ClientConfig.parseServer(server), token, ca == null || ca.isEmpty() ? null : Path.of(ca));
    }

    /**
     * Writes this login, replacing any other: first to a new 0600 file next to it, then moved over,
     * so that the token is never readable by others, not even for a moment, and never half written.
     */
    public Path save(Map<String, String> env, Path home) {
        Path dir = configDir(env, home);
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            PrivateFile.write(file, "server=" + server + "\ntoken=" + token + "\n"
                    + (caFile == null ? "" : "ca-file=" + caFile.toAbsolutePath() + "\n"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the login in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Forgets the stored login; false when there was none. */
    public static boolean delete(Map<String, String> env, Path home) {
        try {
            return Files.deleteIfExists(file(env, home));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file(env, home) + ": " + e.getMessage(), e);
        }
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "StoredLogin[server=" + server + ", caFile=" + caFile + "]";
    }
}
