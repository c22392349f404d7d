package dev.skep.deploy.build;

import java.util.List;

/**
 * One command of a build, run in the app's directory.
 *
 * @param phase decides the command's environment (see {@link BuildEnvironment})
 * @param label how messages name it, e.g. "npm ci", "npm run build"
 * @param argv  the command; argv[0] is looked up on the build's PATH
 */
public record BuildStep(Phase phase, String label, List<String> argv) {

    public enum Phase {
        /** Getting the package manager itself (corepack). */
        PREPARE,
        /** Installing dependencies, devDependencies included: NODE_ENV is not set. */
        INSTALL,
        /** The app's build script: NODE_ENV is the app's, else production. */
        BUILD,
        /** Removing devDependencies after the build. */
        PRUNE
    }

    public BuildStep {
        argv = List.copyOf(argv);
    }

    /** The command as a user would type it. */
    public String commandLine() {
        return String.join(" ", argv);
    }
}
