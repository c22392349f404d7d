package dev.skep.deploy.build;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.node.NpmConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A directory of {@code yarn} and {@code pnpm} commands that are corepack's shims, put first on a
 * build's PATH: the install and the app's scripts call yarn or pnpm as usual, and corepack runs
 * the version package.json's {@code packageManager} names (downloading it once per user cache).
 */
final class CorepackShims {

    private final Path dir;
    private final String searchPath;
    private boolean enabled;
    private Map<String, String> hostSettings;

    /** @param dir where the shims go; the build's PATH starts with it */
    CorepackShims(Path dir, String searchPath) {
        this.dir = dir;
        this.searchPath = searchPath;
    }

    Path dir() {
        return dir;
    }

    /** Creates the shims once; throws if corepack is not there, naming what to do instead. */
    synchronized void ensure(PackageManager pm) throws InterruptedException {
        if (enabled) {
            return;
        }
        String corepack = StepRunner.find("corepack", searchPath);
        if (!Files.isExecutable(Path.of(corepack))) {
            throw missing(pm, "corepack is not on the server's PATH");
        }
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder = new ProcessBuilder(corepack, "enable", "--install-directory", dir.toString(),
                    "yarn", "pnpm")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true);
            builder.environment().keySet().retainAll(List.of());
            builder.environment().put("PATH", searchPath);
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                ProcessTree.kill(process.toHandle());
                throw missing(pm, "corepack enable did not finish in 60s");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw missing(pm, "corepack enable failed (exit " + process.exitValue() + "): " + out);
            }
        } catch (IOException e) {
            throw missing(pm, "corepack enable could not run (" + e.getMessage() + ")");
        }
        enabled = true;
    }

    /**
     * What corepack needs of the host's npm settings, read once ({@code npm config get}): corepack fetches with
     * node's own client, so npm's registry and cafile (a company registry, a TLS proxy's CA) do not reach it, and
     * it fetches yarn 2+ from yarn's own site unless told a registry. Passed to builds as
     * {@code COREPACK_NPM_REGISTRY} and {@code NODE_EXTRA_CA_CERTS}; an app's config var of the same name wins.
     */
    synchronized Map<String, String> hostSettings() {
        if (hostSettings == null) {
            try {
                hostSettings = corepackVariables(NpmConfig.get(searchPath, List.of("registry", "cafile")));
            } catch (SkepException e) {
                hostSettings = Map.of(); // no npm config to pass on: corepack goes with its defaults
            }
        }
        return hostSettings;
    }

    /** {@code npm config get registry cafile}'s answer ({@code key=value} lines) as corepack's variables. */
    static Map<String, String> parse(String npmConfig) {
        return corepackVariables(NpmConfig.parse(npmConfig));
    }

    private static Map<String, String> corepackVariables(Map<String, String> npm) {
        Map<String, String> out = new TreeMap<>();
        String registry = npm.get("registry");
        // a user:password in the registry's URL is the server's, not the app's
        if (registry != null && !registry.matches("(?i)[a-z]+://[^/]*@.*")) {
            out.put("COREPACK_NPM_REGISTRY", registry.replaceAll("/+$", ""));
        }
        String cafile = npm.get("cafile");
        if (cafile != null) {
            out.put("NODE_EXTRA_CA_CERTS", cafile);
        }
        return Map.copyOf(out);
    }

    private static SkepException missing(PackageManager pm, String why) {
        return new SkepException(Kind.FAILED, pm.lockfile().orElse("package.json packageManager") + " needs "
                + pm.command() + ", which skep gets through corepack, but " + why,
                "install Node.js 20 or later (it ships corepack) on the server, on the PATH it starts with; "
                        + "or deploy the app with a package-lock.json (npm) instead");
    }
}
