package dev.skep.deploy.build;

import dev.skep.deploy.build.BuildStep.Phase;
import dev.skep.deploy.build.PackageManager.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a build runs, in the order Heroku's Node.js buildpack runs it: {@code heroku-prebuild},
 * install with devDependencies (lifecycle scripts included), {@code heroku-postbuild} else
 * {@code build}, then prune devDependencies unless the app's config keeps them, then
 * {@code heroku-cleanup}. A pure function of package.json, the package manager and the app's config vars.
 *
 * @param install     the install from scratch (npm ci with a lockfile)
 * @param warmInstall the install over node_modules restored from the build cache: it still runs
 *                    the app's lifecycle scripts, but has nothing to download
 * @param cleanup     {@code heroku-cleanup}, after the prune: what the app drops from its slug itself
 * @param notes       lines for the deploy output before the build starts (warnings, opt-outs)
 */
public record BuildPlan(PackageManager packageManager, Optional<BuildStep> prepare, Optional<BuildStep> prebuild,
                        Optional<BuildStep> install, Optional<BuildStep> warmInstall, Optional<BuildStep> build,
                        Optional<BuildStep> prune, Optional<BuildStep> cleanup, List<String> notes) {

    /** Scripts npm, yarn and pnpm run themselves during an install of the app. */
    static final List<String> LIFECYCLE_SCRIPTS = List.of("preinstall", "install", "postinstall", "prepare");

    public BuildPlan {
        notes = List.copyOf(notes);
    }

    /**
     * @param nodeModulesUploaded the upload brought its own node_modules: it is used as it is
     */
    public static BuildPlan of(PackageJson pkg, PackageManager pm, Map<String, String> config,
                               boolean nodeModulesUploaded) {
        List<String> notes = new ArrayList<>();
        boolean installs = !nodeModulesUploaded
                && (pkg.hasAnyDependencies() || LIFECYCLE_SCRIPTS.stream().anyMatch(s -> pkg.script(s).isPresent()));
        if (nodeModulesUploaded) {
            notes.add("node_modules came with the upload: using it as it is (no install, no prune)");
        }
        if (installs && pm.lockfile().isEmpty()) {
            notes.add("warning: no lockfile (package-lock.json, yarn.lock or pnpm-lock.yaml): running "
                    + pm.command() + " install, which may pick other versions than you tested with; "
                    + "commit your lockfile for reproducible and faster deploys");
        }
        Optional<BuildStep> buildScript = pkg.script("heroku-postbuild").map(s -> run(pm, "heroku-postbuild"))
                .or(() -> pkg.script("build").map(s -> run(pm, "build")));
        Optional<BuildStep> prebuild = pkg.script("heroku-prebuild").map(s -> run(pm, "heroku-prebuild"));
        Optional<BuildStep> cleanup = pkg.script("heroku-cleanup").map(s -> run(pm, "heroku-cleanup"));
        Optional<BuildStep> install = installs ? Optional.of(install(pm, false)) : Optional.empty();
        Optional<BuildStep> warm = installs && pm.lockfile().isPresent() ? Optional.of(install(pm, true))
                : Optional.empty();
        Optional<BuildStep> prune = Optional.empty();
        if (installs && pkg.hasDevDependencies()) {
            Optional<String> keptBy = PruneOptOut.keptBy(pm, config);
            if (keptBy.isPresent()) {
                notes.add("keeping devDependencies: " + keptBy.get() + " is set");
            } else {
                prune = Optional.of(prune(pm));
            }
        }
        boolean usesTool = install.isPresent() || buildScript.isPresent() || prebuild.isPresent() || cleanup.isPresent();
        Optional<BuildStep> prepare = usesTool && pm.tool().viaCorepack()
                ? Optional.of(new BuildStep(Phase.PREPARE, pm.command() + " through corepack",
                        List.of(pm.command(), "--version")))
                : Optional.empty();
        return new BuildPlan(pm, prepare, prebuild, install, warm, buildScript, prune, cleanup, notes);
    }

    /** Nothing to run: no dependencies, no scripts. */
    public boolean isEmpty() {
        return install.isEmpty() && build.isEmpty() && prebuild.isEmpty() && cleanup.isEmpty();
    }

    private static BuildStep install(PackageManager pm, boolean warm) {
        boolean locked = pm.lockfile().isPresent();
        List<String> argv = switch (pm.tool()) {
            // warm: over a cached node_modules from the same lockfile, nothing to fetch; --no-save
            // leaves the lockfile as it came
            case NPM -> warm ? List.of("npm", "install", "--include=dev", "--no-save", "--prefer-offline", "--no-audit",
                    "--no-fund")
                    : locked ? List.of("npm", "ci", "--include=dev", "--no-audit", "--no-fund")
                    : List.of("npm", "install", "--include=dev", "--no-audit", "--no-fund");
            case YARN -> pm.yarnBerry()
                    ? locked ? List.of("yarn", "install", "--immutable") : List.of("yarn", "install")
                    : locked ? List.of("yarn", "install", "--frozen-lockfile", "--production=false", "--non-interactive")
                    : List.of("yarn", "install", "--production=false", "--non-interactive");
            case PNPM -> locked ? List.of("pnpm", "install", "--frozen-lockfile") : List.of("pnpm", "install");
        };
        return new BuildStep(Phase.INSTALL, argv.get(0) + " " + argv.get(1), argv);
    }

    private static BuildStep run(PackageManager pm, String script) {
        return new BuildStep(Phase.BUILD, pm.command() + " run " + script, List.of(pm.command(), "run", script));
    }

    private static BuildStep prune(PackageManager pm) {
        List<String> argv = switch (pm.tool()) {
            case NPM -> List.of("npm", "prune", "--omit=dev", "--no-audit", "--no-fund");
            case YARN -> pm.yarnBerry()
                    ? List.of("yarn", "workspaces", "focus", "--all", "--production")
                    : withLockfileFlag(pm, List.of("yarn", "install", "--production=true", "--ignore-scripts",
                            "--prefer-offline", "--non-interactive"));
            case PNPM -> List.of("pnpm", "prune", "--prod");
        };
        String label = pm.tool() == Tool.NPM ? "npm prune --omit=dev" : "prune devDependencies with " + pm.command();
        return new BuildStep(Phase.PRUNE, label, argv);
    }

    private static List<String> withLockfileFlag(PackageManager pm, List<String> argv) {
        if (pm.lockfile().isEmpty()) {
            return argv;
        }
        List<String> out = new ArrayList<>(argv);
        out.add(2, "--frozen-lockfile");
        return out;
    }
}
