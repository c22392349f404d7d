package dev.skep.deploy.build;

import java.time.Duration;

/**
 * How the dependencies got into a build.
 *
 * @param how    "none", "reused", "npm ci" or "npm install"
 * @param took   wall time of that step
 * @param detail one line for people, e.g. "hard-linked node_modules from the previous release"
 */
public record BuildResult(String how, Duration took, String detail) {

    public static final String NONE = "none";
    public static final String REUSED = "reused";
    public static final String NPM_CI = "npm ci";
    public static final String NPM_INSTALL = "npm install";

    public BuildResult(String how, Duration took) {
        this(how, took, how);
    }
}
