package dev.skep.model.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Yarn 2+ Plug'n'Play: an app installed without node_modules resolves its packages through
 * {@code .pnp.cjs} (and, for ES modules, {@code .pnp.loader.mjs}) at its root, which node loads only
 * when told. yarn tells it in its scripts' NODE_OPTIONS; skep starts node itself, so each of the app's
 * processes gets the same options: {@code --require DIR/.pnp.cjs}, plus {@code --experimental-loader
 * file://DIR/.pnp.loader.mjs} when the slug has that file, before the app's own NODE_OPTIONS, as yarn
 * puts them.
 *
 * @param loader the slug has {@code .pnp.loader.mjs}
 */
public record PnpHook(boolean loader) {

    public static final String NODE_OPTIONS = "NODE_OPTIONS";
    static final String CJS = ".pnp.cjs";
    static final String LOADER = ".pnp.loader.mjs";

    /** The hook a slug needs, read from its files (the slug dir: an instance's own copy may not be mounted yet). */
    public static Optional<PnpHook> of(Path slugDir) {
        if (!Files.isRegularFile(slugDir.resolve(CJS))) {
            return Optional.empty();
        }
        return Optional.of(new PnpHook(Files.isRegularFile(slugDir.resolve(LOADER))));
    }

    /** Puts the hook for the app running in {@code appDir} into {@code env}'s NODE_OPTIONS, keeping the app's. */
    public void applyTo(Map<String, String> env, Path appDir) {
        String own = env.getOrDefault(NODE_OPTIONS, "").strip();
        env.put(NODE_OPTIONS, own.isEmpty() ? options(appDir) : options(appDir) + " " + own);
    }

    /** The options alone, paths absolute: children the app starts in other dirs inherit them. */
    String options(Path appDir) {
        Path dir = appDir.toAbsolutePath().normalize();
        String out = "--require " + quoted(dir.resolve(CJS).toString());
        if (loader) {
            out += " --experimental-loader " + quoted(dir.resolve(LOADER).toUri().toString());
        }
        return out;
    }

    /** NODE_OPTIONS splits on spaces but takes a double-quoted value whole (as yarn quotes paths). */
    private static String quoted(String value) {
        return value.contains(" ") ? "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : value;
    }
}
