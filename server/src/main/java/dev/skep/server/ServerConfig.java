package dev.skep.server;

import java.nio.file.Path;

/**
 * Everything `skep server` is told, read once at start from flags and environment: every role's settings, in one
 * process. The other commands build only the parts of the roles they run.
 *
 * @param dataDir    state (the embedded ZooKeeper), slugs, logs, token
 * @param zk         the state: the embedded ZooKeeper, or an external ensemble (--zk)
 * @param router     the router's listeners and edge settings
 * @param agent      the agent's id, app ports, timeouts and disk quota
 * @param controller the API, builds and the scheduler
 */
public record ServerConfig(Path dataDir, ZkSettings zk, RouterSettings router, AgentSettings agent,
                           ControllerSettings controller) {
}
