package dev.skep.model.node;

/**
 * The Node a release runs with, and why.
 *
 * @param host   true when it is the host's own node (nothing to download)
 * @param reason one line for the deploy output, e.g. "Node 22.23.5: the newest release satisfying ..."
 */
public record NodeChoice(NodeVersion version, boolean host, String reason) {
}
