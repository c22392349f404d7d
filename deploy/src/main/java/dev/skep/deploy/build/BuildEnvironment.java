package dev.skep.deploy.build;

import dev.skep.deploy.build.BuildStep.Phase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The environment of a build command: the app's config vars (as Heroku shows them to a build),
 * then what skep needs to win over them (where programs and caches are), never a variable of the
 * server's own environment. NODE_ENV is unset while installing, so devDependencies are installed
 * whatever the app sets; from the build on it is the app's, else production.
 *
 * @param searchPath the PATH commands run with, where node, npm and corepack's shims are found
 * @param cache      the npm (and corepack, pnpm store) cache of the user the build runs as
 * @param hostPrefix the host node's prefix ({@code /usr} for {@code /usr/bin/node}) when the build runs
 *                   a Node release skep fetched: npm, yarn and pnpm find their global npmrc (the host's
 *                   registry, proxy, cafile) under the prefix of the node running them, which for a
 *                   fetched release is its own dir, holding none
 * @param nodeDir    the prefix of the node the build runs, when it has its headers: node-gyp's {@code nodedir}
 *                   (see {@link NodeBuilder#headersOf}); an app's own nodedir, in any case, wins
 * @param tmp        the build's own temp dir ({@code TMPDIR}), the build user's: yarn 1's {@code run} writes
 *                   there, and the host's {@code /tmp} is neither private to one app nor always writable
 *                   by apps' uids
 * @param plugAndPlay yarn 2+ installs Plug'n'Play: its package cache goes in the app ({@code .yarn/cache}), as
 *                   {@code .pnp.cjs} names each package's zip by a path relative to the app; yarn's global
 *                   cache (in HOME) is not in the slug, so the app could not start anywhere else
 * @param corepack   the host's npm settings corepack needs (see {@link CorepackShims#hostSettings}); the app's
 *                   config vars of the same names win
 */
record BuildEnvironment(String searchPath, Path cache, Optional<Path> hostPrefix, Optional<Path> nodeDir, Path tmp,
                        boolean plugAndPlay, Map<String, String> corepack) {

    static final String NODE_ENV = "NODE_ENV";
    /** Read by npm, yarn 1 and pnpm before they derive the prefix from the node binary. */
    static final String PREFIX = "PREFIX";
    /** Read by node-gyp, under npm, yarn and pnpm alike, as npm passes its config on (any case). */
    static final String NODEDIR = "npm_config_nodedir";

    Path home() {
        return cache.resolve("_home");
    }

    /** @param tool pnpm alone gets its store dir: npm 11 warns "Unknown env config" on every command for it */
    Map<String, String> of(Phase phase, Map<String, String> config, PackageManager.Tool tool) {
        Map<String, String> env = new HashMap<>(config);
        if (phase == Phase.PREPARE || phase == Phase.INSTALL) {
            env.remove(NODE_ENV);
        } else {
            env.putIfAbsent(NODE_ENV, "production");
        }
        // as with the host's node, where a PREFIX config var wins too
        hostPrefix.ifPresent(prefix -> env.putIfAbsent(PREFIX, prefix.toString()));
        if (config.keySet().stream().noneMatch(NODEDIR::equalsIgnoreCase)) {
            nodeDir.ifPresent(dir -> env.put(NODEDIR, dir.toString()));
        }
        env.put("PATH", searchPath);
        env.put("HOME", home().toString());
        env.put("TMPDIR", tmp.toString());
        env.put("npm_config_cache", cache.toString());
        env.put("npm_config_update_notifier", "false");
        if (tool == PackageManager.Tool.PNPM) {
            env.put("npm_config_store_dir", cache.resolve("pnpm-store").toString());
        }
        if (plugAndPlay) {
            env.putIfAbsent("YARN_ENABLE_GLOBAL_CACHE", "false");
        }
        corepack.forEach(env::putIfAbsent);
        env.put("COREPACK_HOME", cache.resolve("corepack").toString());
        env.put("COREPACK_ENABLE_DOWNLOAD_PROMPT", "0");
        return env;
    }
}
