package dev.skep.supervise.workspace;

/** The uid/gid an app runs as when the agent is root; null where isolation is off. */
public record Owner(int uid, int gid) {
}
