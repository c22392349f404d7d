package dev.skep.deploy.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The commands the prune took away: names in {@code node_modules/.bin} before the prune of devDependencies and
 * gone after it ({@code nest}, {@code vite}, {@code tsc}). A start command naming one would fail at start with
 * "not found"; the build fails first, saying why ({@link StartCommand}).
 *
 * @param names  the commands gone
 * @param keptBy the config var that would have kept them, e.g. "NPM_CONFIG_PRODUCTION=false"
 */
public record PrunedBins(Set<String> names, String keptBy) {

    public static final PrunedBins NONE = new PrunedBins(Set.of(), "");

    public PrunedBins {
        names = Set.copyOf(names);
    }

    /**
     * What {@code node_modules/.bin} holds now: nothing without node_modules (Plug'n'Play), nor when it cannot be
     * read, since this only sharpens the message of a start that would fail anyway.
     */
    static Set<String> listed(Path appRoot) {
        Path bin = appRoot.resolve(BuildCache.NODE_MODULES).resolve(".bin");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> entries = Files.list(bin)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        } catch (IOException e) {
            return Set.of();
        }
        return names;
    }

    /**
     * The names of {@code before} that {@code node_modules/.bin} no longer holds and that no directory of
     * {@code path} (the node's and the system's, which follow node_modules/.bin on the app's PATH) provides: the
     * `node` package among devDependencies goes with the prune, and `node` still starts.
     */
    static PrunedBins since(Set<String> before, Path appRoot, String keptBy, String path) {
        Set<String> gone = new TreeSet<>(before);
        gone.removeAll(listed(appRoot));
        gone.removeIf(name -> onPath(name, path));
        return new PrunedBins(gone, keptBy);
    }

    private static boolean onPath(String name, String path) {
        return !StepRunner.find(name, path).equals(name); // found: the dir's path, else the bare name back
    }

    public boolean contains(String command) {
        return names.contains(command);
    }
}
