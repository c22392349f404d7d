package dev.skep.server;

import java.time.Duration;

/**
 * The agent role's settings: `skep agent`'s, or the agent within `skep server`.
 *
 * @param id            this agent's id (kept in the data dir unless given)
 * @param advertiseHost the address routers reach this host's instances at
 * @param searchPath    the PATH skep was started with, only to find node (apps never see it)
 * @param appPortMin    first port handed to apps
 * @param appPortMax    last port handed to apps
 * @param startTimeout  how long an instance may take to get ready
 * @param drainTimeout  how long a withdrawn instance may take to drain (out of every router's table, no client
 *                      connected) before its SIGTERM
 * @param keepApps      leave the apps running when skep stops
 * @param appDisk       bytes each app's volumes and writable copies may hold on this host
 */
public record AgentSettings(String id, String advertiseHost, String searchPath, int appPortMin, int appPortMax,
                            Duration startTimeout, Duration drainTimeout, boolean keepApps, long appDisk) {
}
