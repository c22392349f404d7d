package dev.skep.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything `skep server` is told, read once at start from flags and environment.
 *
 * @param zookeeper  an external ensemble ("h1:2181,h2:2181"), or null for the embedded one
 * @param zkPort     port of the embedded ZooKeeper (0: any free port on loopback)
 * @param searchPath the PATH skep was started with, only to find node (apps never see it)
 * @param security   TLS of the API and the apps' resource limits
 */
public record ServerConfig(Path dataDir, String bind, int apiPort, int routerPort, int appPortMin, int appPortMax,
                           String baseDomain, boolean keepApps, Duration startTimeout, Duration stopGrace,
                           String zookeeper, int zkPort, String agentId, String advertiseHost, String searchPath,
                           SecurityConfig security) {
}
