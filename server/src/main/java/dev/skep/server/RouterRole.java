package dev.skep.server;

import dev.skep.model.ClusterState;
import dev.skep.route.RouterConfig;
import dev.skep.route.server.RouteFeed;
import dev.skep.route.server.RouterServer;
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
                .withConnectionLimits(edge.maxConnections(), edge.maxConnectionsPerIp())
                // a waking app's requests wait as long as its instance may take to get ready (the agents' start
                // timeout; a lone `skep router` is told it with --wake-timeout)
                .withWakeHold(config.startTimeout());
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
        var endpoint = new dev.skep.model.RouterEndpoint(routerId, config.advertiseHost(), router.port(),
                edge.httpsPort() >= 0 ? router.httpsPort() : -1);
        life.add("route feed", new RouteFeed(state, router, config.baseDomain(), routerId, endpoint,
                () -> warmUp(config.bind(), router.port()), idle));
        return router;
    }

    /**
     * One health request to itself before the router registers for an edge (on the feed's thread, off the start): a fresh JVM answers its first request
     * slowly (classes loading), and an edge's health check would take a router that slow for dead.
     */
    private static void warmUp(String bind, int port) {
        String host = "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
        long start = System.nanoTime();
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + dev.skep.route.proxy.RouterHealth.HOST
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getInputStream().readAllBytes();
            org.slf4j.LoggerFactory.getLogger(RouterRole.class).info("event=router.warmed-up millis={}",
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) { // only slower first answers: it serves anyway
            org.slf4j.LoggerFactory.getLogger(RouterRole.class).warn("event=router.warm-up-failed error=\"{}\"",
                    e.getMessage());
        }
    }
}
