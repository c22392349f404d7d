package dev.skep.deploy.build;

import java.time.Duration;

/**
 * What a build did.
 *
 * @param how    how the dependencies got there: "none", or the install that ran, e.g. "npm ci"
 * @param took   wall time of the whole build
 * @param detail one line for people, e.g. "npm ci, npm run build, npm prune --omit=dev"
 * @param node   the Node version it built with and the release runs with, e.g. "22.23.5"
 * @param pruned the commands the prune of devDependencies took away, which no start command may name
 * @param npm    on a fetched Node, the npm it built with and the release runs with, e.g. "8.19.4"; null: the host's
 */
public record BuildResult(String how, Duration took, String detail, String node, PrunedBins pruned, String npm) {

    public static final String NONE = "none";

    public BuildResult {
        pruned = pruned == null ? PrunedBins.NONE : pruned;
    }

    public BuildResult(String how, Duration took, String detail, String node, PrunedBins pruned) {
        this(how, took, detail, node, pruned, null);
    }

    public BuildResult(String how, Duration took, String detail, String node) {
        this(how, took, detail, node, PrunedBins.NONE);
    }

    public BuildResult(String how, Duration took, String detail) {
        this(how, took, detail, null);
    }

    public BuildResult(String how, Duration took) {
        this(how, took, how);
    }
}
