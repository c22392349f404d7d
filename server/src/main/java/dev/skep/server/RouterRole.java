package dev.skep.server;

import dev.skep.model.ClusterState;
import dev.skep.route.RouterConfig;
import dev.skep.route.RouterServer;
import java.io.IOException;
import java.nio.file.Files;

/** The router role: the edge proxy and the feed that keeps its table in step with the state. */
final class RouterRole {

    private RouterRole() {
    }

    /**
     * @param routerId  this router's name among the routers a rollout waits for
     * @param documents where this router reports apps' traffic and wakes sleeping ones (idle stop)
     */
    static RouterServer start(Lifecycle life, ServerConfig config, ClusterState state,
                              dev.skep.model.AppDocuments documents, String routerId) throws IOException {
        EdgeConfig edge = config.edge();
        RouterConfig routerConfig = RouterConfig.defaults().withListen(config.bind(), config.routerPort())
                .withTrustedProxies(dev.skep.route.TrustedProxies.parse(edge.trustedProxies()))
                .withConnectionLimits(edge.maxConnections(), edge.maxConnectionsPerIp());
        if (edge.httpsPort() >= 0) {
            routerConfig = routerConfig.withHttps(edge.httpsPort());
        }
        RouterServer router = life.add("router", new RouterServer(routerConfig));
        if (edge.tlsCert() != null) {
            router.setDefaultCertificate(Files.readString(edge.tlsCert()), Files.readString(edge.tlsKey()));
        }
        router.start();
        if (!routerConfig.trustedProxies().isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(RouterRole.class).info(
                    "event=router.trusted-proxies ranges={} effect=\"their X-Forwarded-* headers are kept\"",
                    routerConfig.trustedProxies());
        }
        IdleReporter idle = life.add("idle reporter", new IdleReporter(router,
                new dev.skep.api.IdleStore(documents), java.time.Clock.systemUTC()));
        life.add("route feed", new RouteFeed(state, router, config.baseDomain(), routerId, idle));
        return router;
    }
}
