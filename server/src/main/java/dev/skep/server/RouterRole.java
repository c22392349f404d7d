package dev.skep.server;

import dev.skep.api.IdleStore;
import dev.skep.model.AppDocuments;
import dev.skep.model.ClusterState;
import dev.skep.model.RouterEndpoint;
import dev.skep.route.RouterConfig;
import dev.skep.route.TrustedProxies;
import dev.skep.route.proxy.RouterHealth;
import dev.skep.route.server.RouteFeed;
import dev.skep.route.server.RouterServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router role: the edge proxy and the feed that keeps its table in step with the state. In two steps: the proxy
 * listens first, before the state is open (a restarted `skep server` takes connections again as soon as its JVM is
 * up; requests wait for the first table within the router's start hold), then the feed follows the state.
 */
final class RouterRole {

    private static final Logger log = LoggerFactory.getLogger(RouterRole.class);

    private RouterRole() {
    }

    /** Starts the proxy on the configured ports, with no table yet. */
    static RouterServer listen(Lifecycle life, RouterSettings config) throws IOException {
        EdgeConfig edge = config.edge();
        RouterConfig routerConfig = RouterConfig.defaults().withListen(config.bind(), config.port())
                .withTrustedProxies(TrustedProxies.parse(edge.trustedProxies()))
                .withConnectionLimits(edge.maxConnections(), edge.maxConnectionsPerIp())
                // a waking app's requests wait as long as its instance may take to get ready (the agents' start
                // timeout; a lone `skep router` is told it with --wake-timeout)
                .withWakeHold(config.wakeHold());
        if (edge.httpsPort() >= 0) {
            routerConfig = routerConfig.withHttps(edge.httpsPort());
        }
        RouterServer router = life.add("router", new RouterServer(routerConfig));
        if (edge.tlsCert() != null) {
            router.setDefaultCertificate(Files.readString(edge.tlsCert()), Files.readString(edge.tlsKey()));
        }
        router.start();
        if (!routerConfig.trustedProxies().isEmpty()) {
            log.info("event=router.trusted-proxies ranges={} effect=\"their X-Forwarded-* headers are kept\"",
                    routerConfig.trustedProxies());
        }
        return router;
    }

    /**
     * Keeps the router's table in step with the state, and reports its traffic.
     *
     * @param routerId  this router's name among the routers a rollout waits for
     * @param documents where this router reports apps' traffic and wakes sleeping ones (idle stop)
     */
    static void follow(Lifecycle life, RouterSettings config, RouterServer router, ClusterState state,
                       AppDocuments documents, String routerId) {
        IdleReporter idle = life.add("idle reporter", new IdleReporter(router, new IdleStore(documents),
                Clock.systemUTC()));
        var endpoint = new RouterEndpoint(routerId, config.advertiseHost(), router.port(),
                config.edge().httpsPort() >= 0 ? router.httpsPort() : -1);
        life.add("route feed", new RouteFeed(state, router, config.baseDomain(), routerId, endpoint,
                () -> warmUp(config.bind(), router.port()), idle));
    }

    /**
     * One health request to itself before the router registers for an edge (on the feed's thread, off the start): a
     * fresh JVM answers its first request slowly (classes loading), and an edge's health check would take a router
     * that slow for dead.
     */
    private static void warmUp(String bind, int port) {
        String host = "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + RouterHealth.HOST
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getInputStream().readAllBytes();
            log.info("event=router.warmed-up millis={}", (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) { // only slower first answers: it serves anyway
            log.warn("event=router.warm-up-failed error=\"{}\"", e.getMessage());
        }
    }
}
