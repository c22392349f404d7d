package dev.skep.deploy.build;

import java.time.Duration;

/**
 * What a build did.
 *
 * @param how    how the dependencies got there: "none", or the install that ran, e.g. "npm ci"
 * @param took   wall time of the whole build
 * @param detail one line for people, e.g. "npm ci, npm run build, npm prune --omit=dev"
 * @param node   the Node version it built with and the release runs with, e.g. "22.23.5"
 */
public record BuildResult(String how, Duration took, String detail, String node) {

    public static final String NONE = "none";

    public BuildResult(String how, Duration took, String detail) {
        this(how, took, detail, null);
    }

    public BuildResult(String how, Duration took) {
        this(how, took, how);
    }
}
