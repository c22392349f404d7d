package dev.skep.deploy.build;

import dev.skep.deploy.build.BuildStep.Phase;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.time.Duration;
import java.util.List;

/**
 * What a failed build step means to the person deploying: the step and its exit code, what to do
 * when the cause is known (a lockfile out of step with package.json, a package manager corepack
 * could not get, a failing build script), and always the step's last lines of output.
 */
final class StepFailure {

    /** What npm ci, yarn --frozen-lockfile, yarn --immutable and pnpm --frozen-lockfile say. */
    private static final List<String> LOCKFILE_OUT_OF_SYNC = List.of(
            "can only install packages when your package.json and package-lock.json",
            "are in sync",
            "Your lockfile needs to be updated",
            "The lockfile would have been modified by this install",
            "ERR_PNPM_OUTDATED_LOCKFILE");

    /** The lines npm adds to say which dependency the lockfile misses, e.g. "Invalid: lock file's ms@2.1.3 ...". */
    private static final List<String> LOCKFILE_DETAILS = List.of("Invalid: ", "Missing: ");
    static final int MAX_TELLING_LINES = 12;
    /** node-gyp's lines, when a native addon without a prebuilt binary failed to compile (no make, no python3 ...). */
    private static final String NODE_GYP = "gyp ERR!";
    /**
     * What corepack says when the registry's metadata has no signature it trusts: a mirror or proxy that drops
     * npm's signatures, or a corepack older than the registry's keys.
     */
    private static final List<String> UNSIGNED = List.of("No compatible signature found in package metadata",
            "was not signed by any trusted keys");

    private StepFailure() {
    }

    /**
     * A line worth keeping wherever it comes in the output: npm follows its lockfile complaint with
     * a long usage text that would push it out of the tail.
     */
    static boolean telling(String line) {
        return LOCKFILE_OUT_OF_SYNC.stream().anyMatch(line::contains) || LOCKFILE_DETAILS.stream().anyMatch(line::contains);
    }

    /** As below, the telling lines unknown. */
    static SkepException exited(BuildStep step, PackageManager pm, int exit, String tail) {
        return exited(step, pm, exit, tail, List.of());
    }

    /**
     * @param tail    the step's last lines
     * @param telling the lines of all its output that {@link #telling} picked, in order
     */
    static SkepException exited(BuildStep step, PackageManager pm, int exit, String tail, List<String> telling) {
        String seen = telling.isEmpty() ? tail : String.join("\n", telling);
        String failed = step.label() + " failed (exit " + exit + ")";
        return switch (step.phase()) {
            case PREPARE -> new SkepException(Kind.UNPROCESSABLE,
                    "could not get " + pm.command() + " through corepack (exit " + exit + ")",
                    hint((UNSIGNED.stream().anyMatch(tail::contains) ? unsigned(pm)
                            : "check that package.json packageManager names a published " + pm.command()
                                    + " version and that the server can reach the package registry")
                            + "; or commit a package-lock.json (npm) instead of " + pm.lockfile().orElse("the lockfile"),
                            tail));
            case INSTALL -> outOfSync(seen)
                    ? new SkepException(Kind.UNPROCESSABLE,
                            failed + ": " + pm.lockfile().orElse("the lockfile") + " does not match package.json",
                            hint("run `" + pm.command() + " install` locally and commit the updated "
                                    + pm.lockfile().orElse("lockfile"), seen))
                    : tail.contains(NODE_GYP)
                            ? new SkepException(Kind.UNPROCESSABLE, failed + ": a native addon did not compile",
                                    hint("node-gyp compiles an addon that has no prebuilt binary for this Node, on the "
                                            + "server: it needs python3, make and a C++ compiler there (Debian: apt-get "
                                            + "install build-essential python3); node-gyp's lines below say what it "
                                            + "missed", tail))
                            : new SkepException(Kind.UNPROCESSABLE, failed, tail);
            case BUILD -> new SkepException(Kind.UNPROCESSABLE, failed,
                    hint("the app's build script failed: run `" + step.commandLine()
                            + "` locally, fix what it reports, deploy again", tail));
            case PRUNE -> new SkepException(Kind.UNPROCESSABLE, failed,
                    hint("pruning devDependencies failed; to keep them instead set "
                            + PruneOptOut.settingFor(pm) + " in the app's env", tail));
        };
    }

    private static String unsigned(PackageManager pm) {
        return "the registry's metadata for " + pm.command() + " carries no signature corepack trusts (a registry "
                + "mirror or proxy that drops npm's signatures, or a corepack older than the registry's keys): name the "
                + "release with its hash in packageManager (" + pm.command() + "@VERSION+sha512.HEX, as `corepack use` "
                + "writes it), which corepack checks instead of a signature; or update the server's corepack; or skip "
                + "the check with the config var COREPACK_INTEGRITY_KEYS=0 (then nothing is checked)";
    }

    static SkepException timedOut(BuildStep step, Duration limit, String tail) {
        return new SkepException(Kind.TIMEOUT, step.label() + " timed out: a build may take at most "
                + limit.toSeconds() + "s", tail);
    }

    static boolean outOfSync(String tail) {
        return LOCKFILE_OUT_OF_SYNC.stream().anyMatch(tail::contains);
    }

    private static String hint(String whatToDo, String tail) {
        return whatToDo + "\n" + tail;
    }
}
