package dev.skep.route;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Everything the router reads at start-up, validated once here.
 *
 * @param bindAddress     address to listen on, e.g. "0.0.0.0" or "127.0.0.1"
 * @param port            HTTP port, 0 for any free port (tests)
 * @param workerThreads   event loops, 0 for one per core
 * @param connectTimeout  dialing a backend; past it the attempt fails (retried elsewhere, then 502)
 * @param headerTimeout   a client must send a whole request head within this (slowloris guard, 408)
 * @param idleTimeout     a keep-alive client connection with no request in flight is closed after this
 * @param backendTimeout  after the request is sent, the backend must start its response within this (504)
 * @param poolIdleTimeout an idle pooled backend connection is closed after this; keep it under node's
 *                        default keepAliveTimeout (5 s) so the router, not the app, closes first
 * @param maxHeaderBytes  request head size limit (431)
 * @param maxUrlBytes     request target length limit (414)
 * @param maxBodyBytes    default request body limit per app (413)
 * @param maxConnections  client connections beyond this are closed on accept
 * @param drainTimeout    on close, in-flight requests get this long to finish
 * @param ejectFor        a backend that refused a connection is avoided for this long
 * @param httpsPort       HTTPS listener port (certificates by SNI, h2 or HTTP/1.1 by ALPN); 0 for any free
 *                        port, -1 for no HTTPS listener
 * @param trustedProxies  peers whose X-Forwarded-* headers are kept and extended, not replaced
 * @param maxConnectionsPerIp client connections one IP (an IPv6 /64) may hold, over all listeners; trusted
 *                        proxies are exempt (everyone behind a load balancer shares its address) and
 *                        bound by maxConnections only
 * @param wakeHold        how long a request for a sleeping app is held while it wakes (then 504): as long as an
 *                        instance may take to get ready
 * @param startHold       for this long after its first table the router holds the requests of a running app with
 *                        no ready instance instead of answering 503 (a `skep server` restarted with its apps left
 *                        running re-adopts them meanwhile); zero for never
 */
public record RouterConfig(String bindAddress, int port, int workerThreads, Duration connectTimeout,
                           Duration headerTimeout, Duration idleTimeout, Duration backendTimeout,
                           Duration poolIdleTimeout, int maxHeaderBytes, int maxUrlBytes, long maxBodyBytes,
                           int maxConnections, Duration drainTimeout, Duration ejectFor, int httpsPort,
                           TrustedProxies trustedProxies, int maxConnectionsPerIp, Duration wakeHold,
                           Duration startHold) {

    public RouterConfig {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("bindAddress must be set, found " + bindAddress);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, found " + port);
        }
        if (workerThreads < 0) {
            throw new IllegalArgumentException("workerThreads must be >= 0, found " + workerThreads);
        }
        positive("connectTimeout", connectTimeout);
        positive("headerTimeout", headerTimeout);
        positive("idleTimeout", idleTimeout);
        positive("backendTimeout", backendTimeout);
        positive("poolIdleTimeout", poolIdleTimeout);
        positive("drainTimeout", drainTimeout);
        positive("ejectFor", ejectFor);
        positive("wakeHold", wakeHold);
        if (startHold == null || startHold.isNegative()) {
            throw new IllegalArgumentException("startHold must be >= 0, found " + startHold);
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes must be >= 1024, found " + maxHeaderBytes);
        }
        if (maxUrlBytes < 256) {
            throw new IllegalArgumentException("maxUrlBytes must be >= 256, found " + maxUrlBytes);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be > 0, found " + maxBodyBytes);
        }
        if (httpsPort < -1 || httpsPort > 65535) {
            throw new IllegalArgumentException("httpsPort must be -1 (off) or 0-65535, found " + httpsPort);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be > 0, found " + maxConnections);
        }
        if (maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("maxConnectionsPerIp must be > 0, found " + maxConnectionsPerIp);
        }
        if (trustedProxies == null) {
            trustedProxies = TrustedProxies.none();
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, found " + d);
        }
    }

    /** Production defaults, listening on :8080 on every interface. */
    public static RouterConfig defaults() {
        return new RouterConfig("0.0.0.0", 8080, 0, Duration.ofSeconds(2), Duration.ofSeconds(10),
                Duration.ofSeconds(75), Duration.ofSeconds(60), Duration.ofSeconds(4), 16 * 1024, 8 * 1024,
                100L * 1024 * 1024, 10_000, Duration.ofSeconds(10), Duration.ofSeconds(5), -1, TrustedProxies.none(), 256,
                Duration.ofSeconds(60), Duration.ofSeconds(15));
    }

    public RouterConfig withListen(String address, int newPort) {
        return edit(d -> {
            d.bindAddress = address;
            d.port = newPort;
        });
    }

    public RouterConfig withWorkerThreads(int n) {
        return edit(d -> d.workerThreads = n);
    }

    public RouterConfig withTimeouts(Duration connect, Duration header, Duration idle, Duration backend) {
        return edit(d -> {
            d.connectTimeout = connect;
            d.headerTimeout = header;
            d.idleTimeout = idle;
            d.backendTimeout = backend;
        });
    }

    public RouterConfig withLimits(int headerBytes, int urlBytes, long bodyBytes, int connections) {
        return edit(d -> {
            d.maxHeaderBytes = headerBytes;
            d.maxUrlBytes = urlBytes;
            d.maxBodyBytes = bodyBytes;
            d.maxConnections = connections;
        });
    }

    public RouterConfig withDrainTimeout(Duration timeout) {
        return edit(d -> d.drainTimeout = timeout);
    }

    /** Adds an HTTPS listener on {@code port} (0 for any free port). */
    public RouterConfig withHttps(int port) {
        return edit(d -> d.httpsPort = port);
    }

    /** Caps client connections: in all, and per client IP (an IPv6 /64); see {@link #maxConnectionsPerIp}. */
    public RouterConfig withConnectionLimits(int total, int perIp) {
        return edit(d -> {
            d.maxConnections = total;
            d.maxConnectionsPerIp = perIp;
        });
    }

    /** Keeps and extends the X-Forwarded-* headers of peers in these ranges (see {@link TrustedProxies}). */
    public RouterConfig withTrustedProxies(TrustedProxies proxies) {
        return edit(d -> d.trustedProxies = proxies);
    }

    /** Holds a sleeping app's requests this long while it wakes (see {@link #wakeHold}). */
    public RouterConfig withWakeHold(Duration hold) {
        return edit(d -> d.wakeHold = hold);
    }

    /** Holds the requests of apps with no ready instance this long after the first table (see {@link #startHold}). */
    public RouterConfig withStartHold(Duration hold) {
        return edit(d -> d.startHold = hold);
    }

    /** A copy with what {@code change} sets on a draft of this config, checked again by the constructor. */
    private RouterConfig edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /** The components as mutable fields: the one place the with-methods copy the other eighteen from. */
    private static final class Draft {
        String bindAddress;
        int port;
        int workerThreads;
        Duration connectTimeout;
        Duration headerTimeout;
        Duration idleTimeout;
        Duration backendTimeout;
        Duration poolIdleTimeout;
        int maxHeaderBytes;
        int maxUrlBytes;
        long maxBodyBytes;
        int maxConnections;
        Duration drainTimeout;
        Duration ejectFor;
        int httpsPort;
        TrustedProxies trustedProxies;
        int maxConnectionsPerIp;
        Duration wakeHold;
        Duration startHold;

        Draft(RouterConfig c) {
            bindAddress = c.bindAddress;
            port = c.port;
            workerThreads = c.workerThreads;
            connectTimeout = c.connectTimeout;
            headerTimeout = c.headerTimeout;
            idleTimeout = c.idleTimeout;
            backendTimeout = c.backendTimeout;
            poolIdleTimeout = c.poolIdleTimeout;
            maxHeaderBytes = c.maxHeaderBytes;
            maxUrlBytes = c.maxUrlBytes;
            maxBodyBytes = c.maxBodyBytes;
            maxConnections = c.maxConnections;
            drainTimeout = c.drainTimeout;
            ejectFor = c.ejectFor;
            httpsPort = c.httpsPort;
            trustedProxies = c.trustedProxies;
            maxConnectionsPerIp = c.maxConnectionsPerIp;
            wakeHold = c.wakeHold;
            startHold = c.startHold;
        }

        RouterConfig build() {
            return new RouterConfig(bindAddress, port, workerThreads, connectTimeout, headerTimeout, idleTimeout,
                    backendTimeout, poolIdleTimeout, maxHeaderBytes, maxUrlBytes, maxBodyBytes, maxConnections,
                    drainTimeout, ejectFor, httpsPort, trustedProxies, maxConnectionsPerIp, wakeHold, startHold);
        }
    }
}
