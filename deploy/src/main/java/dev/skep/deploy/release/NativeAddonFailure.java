package dev.skep.deploy.release;

import java.util.List;
import java.util.Optional;

/**
 * Why a release did not start when a native addon's compiled file is missing or is not for this Node: the build
 * passed (pnpm 10 and yarn 4 skip a dependency's build script the app has not allowed, saying so in a line of the
 * install's output), and the app dies at its first {@code require} with a long list of paths tried, which pushes
 * the error itself out of the last lines the deploy shows.
 */
final class NativeAddonFailure {

    /** What {@code bindings} (better-sqlite3, sqlite3 ...) and {@code node-gyp-build} (bcrypt, argon2 ...) throw. */
    private static final List<String> NOT_BUILT = List.of("Could not locate the bindings file",
            "No native build was found for");
    /** What Node throws loading an addon built for another Node's ABI, or for another system. */
    private static final List<String> BUILT_ELSEWHERE = List.of("was compiled against a different Node.js version",
            "invalid ELF header");

    private NativeAddonFailure() {
    }

    /** The advice for the deploy's answer, when the instance's lines show an addon it could not load. */
    static Optional<String> in(List<String> lines) {
        if (lines.stream().anyMatch(line -> NOT_BUILT.stream().anyMatch(line::contains))) {
            return Optional.of("a native addon was never compiled: its build script did not run in the install "
                    + "(pnpm 10 and yarn 4 run a dependency's build script only when package.json allows it: "
                    + "pnpm.onlyBuiltDependencies, dependenciesMeta.NAME.built; the build's output names the skipped "
                    + "ones, `skep logs --build`)");
        }
        if (lines.stream().anyMatch(line -> BUILT_ELSEWHERE.stream().anyMatch(line::contains))) {
            // the build cache is keyed on Node: only a node_modules that came with the upload is used as it is
            return Optional.of("a native addon was compiled for another Node or system than the release runs: "
                    + "upload without node_modules (skep deploy leaves it out), so the build installs and compiles it");
        }
        return Optional.empty();
    }
}
