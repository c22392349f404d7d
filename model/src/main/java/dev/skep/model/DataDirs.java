package dev.skep.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where skep keeps its data, for the server and the CLI alike: $SKEP_DATA_DIR, else ~/.skep, or
 * /var/lib/skep for root (apps run under their own uids and must pass through every parent of
 * their code; root's home is mode 0700).
 */
public final class DataDirs {

    public static final Path ROOT_DEFAULT = Path.of("/var/lib/skep");

    private DataDirs() {
    }

    public static Path resolve(Map<String, String> env, Path home, boolean root) {
        String configured = env.get("SKEP_DATA_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return root ? ROOT_DEFAULT : home.resolve(".skep");
    }

    /** A command's {@code --data-dir}, else this process's default ({@link #resolve} for its user and home); absolute. */
    public static Path orDefault(Path given, Map<String, String> env) {
        return (given != null ? given : resolve(env, home(env), runningAsRoot())).toAbsolutePath();
    }

    /**
     * The user's home as git and the shell see it: $HOME when set, else the JVM's {@code user.home}. The JVM takes
     * user.home from the password database and ignores $HOME, so with HOME pointed elsewhere (sudo -E, CI, a
     * container) skep and the git it runs would each use another home: `skep login --git` wrote a credential
     * helper to a gitconfig that git push never read.
     */
    public static Path home(Map<String, String> env) {
        return home(env, Path.of(System.getProperty("user.home")));
    }

    static Path home(Map<String, String> env, Path passwdHome) {
        String home = env.get("HOME");
        return home != null && home.startsWith("/") ? Path.of(home) : passwdHome;
    }

    /** True when this process runs with effective uid 0. */
    public static boolean runningAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return "0".equals(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}
