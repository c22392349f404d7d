package dev.skep.route.server;

import dev.skep.model.AppId;
import dev.skep.model.LoopbackTwin;
import dev.skep.route.AppRoute;
import dev.skep.route.CertificatePem;
import dev.skep.route.RouteMetrics;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import dev.skep.route.proxy.BackendInitializer;
import dev.skep.route.proxy.BackendLoads;
import dev.skep.route.proxy.CertificateSync;
import dev.skep.route.proxy.Certificates;
import dev.skep.route.proxy.FrontendInitializer;
import dev.skep.route.proxy.ProxyContext;
import dev.skep.route.proxy.TlsInitializer;
import dev.skep.route.proxy.Transport;
import dev.skep.route.proxy.WakeHolds;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge proxy: one listener, Host header to app, app to its ready instances. The owner calls
 * {@link #start()}, pushes tables with {@link #update(RouteTable)} whenever the cluster changes, and
 * {@link #close()}s it; close lets in-flight requests finish for up to the drain timeout.
 *
 * <pre>
 *  LATENT ──start──> STARTED ──close──> CLOSED
 * </pre>
 */
public final class RouterServer implements AutoCloseable {

    private enum State { LATENT, STARTED, CLOSED }

    private static final Logger log = LoggerFactory.getLogger(RouterServer.class);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private final RouterConfig config;
    private final Transport transport;
    private final ProxyContext proxy;
    private final Certificates certificates = new Certificates();
    private final CertificateSync certificateSync = new CertificateSync(certificates);
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private EventLoopGroup group;
    private Channel listener;
    private Channel httpsListener;
    /** The same listeners on [::1] when bound to 127.0.0.1 (see LoopbackTwin). */
    private final List<Channel> twins = new ArrayList<>();

    public RouterServer(RouterConfig config) {
        this(config, Transport.best());
    }

    static {
        // Leak sampling records a stack trace every 128th buffer: a few percent of the router's CPU.
        // Tests (and anyone chasing a leak) turn it on with -Dio.netty.leakDetection.level.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    RouterServer(RouterConfig config, Transport transport) {
        this.config = config;
        this.transport = transport;
        this.proxy = new ProxyContext(config, new BackendLoads(config.ejectFor(), System::nanoTime), null);
    }

    /** Binds the listener; throws IllegalStateException when the port cannot be bound. */
    public RouterServer start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("router already " + state.get().name().toLowerCase());
        }
        group = transport.newGroup(config.workerThreads(), "skep-router");
        Bootstrap backends = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        if (transport.socketChannel() == EpollSocketChannel.class) {
            // A request written to a backend whose host went silent (powered off, cut off) is never acknowledged;
            // without this it waits out the backend timeout (60 s) and the client gives up first. With it the
            // kernel ends the connection once sent data has gone unacknowledged for the connect timeout, and the
            // exchange sees it closed before any answer: an idempotent request is retried on another instance.
            // A slow app is not affected: its kernel acknowledges at once.
            backends.option(EpollChannelOption.TCP_USER_TIMEOUT,
                    (int) config.connectTimeout().toMillis());
        }
        proxy.dialer((backend, loop, raw) -> backends.clone(loop)
                .handler(new BackendInitializer(proxy, backend, raw))
                .connect(proxy.address(backend)));
        FrontendInitializer plain = new FrontendInitializer(proxy);
        listener = bind(config.port(), plain);
        holdTwin(port(), plain);
        if (config.httpsPort() >= 0) {
            TlsInitializer tls = new TlsInitializer(proxy, certificates);
            httpsListener = bind(config.httpsPort(), tls);
            holdTwin(httpsPort(), tls);
            proxy.httpsRedirect().listening(httpsPort());
        }
        proxy.httpsRedirect().tableChanged(proxy.table());
        log.info("event=router.listening address={}:{} https_port={} transport={} event_loops={}", config.bindAddress(),
                port(), httpsListener == null ? "-" : httpsPort(), transport.name(),
                config.workerThreads() == 0 ? "auto" : config.workerThreads());
        return this;
    }

    private Channel bind(int port, ChannelHandler initializer) {
        try {
            return listen(config.bindAddress(), port, initializer).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeListeners();
            shutdownGroup();
            throw new IllegalStateException("interrupted while binding the router", e);
        } catch (Exception e) {
            closeListeners();
            shutdownGroup();
            throw new IllegalStateException("router cannot listen on " + config.bindAddress() + ":" + port
                    + " (" + e.getMessage() + "); free the port or choose another", e);
        }
    }

    /** Serves the same port on [::1] too, when bound to 127.0.0.1 (see {@link LoopbackTwin}). */
    private void holdTwin(int port, ChannelHandler initializer) {
        LoopbackTwin.of(config.bindAddress()).ifPresent(twin -> {
            ChannelFuture bound = listen(twin.getHostAddress(), port, initializer).awaitUninterruptibly();
            if (bound.isSuccess()) {
                twins.add(bound.channel());
            } else {
                LoopbackTwin.report(log, "router", twin, port, bound.cause());
            }
        });
    }

    private ChannelFuture listen(String address, int port, ChannelHandler initializer) {
        ServerBootstrap server = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(initializer);
        return server.bind(address, port);
    }

    /**
     * Adds or replaces the HTTPS certificate for a domain ("shop.example.com" or "*.example.com"),
     * chosen by SNI. PEM certificate chain and unencrypted PKCS#8 PEM key; throws
     * IllegalArgumentException naming the domain when they cannot be used. Safe from any thread.
     */
    public void addCertificate(String domain, String certPem, String keyPem) {
        certificates.add(domain, certPem, keyPem);
    }

    /**
     * Makes these (domain to PEM, from the state) the certificates served by SNI besides the default and those
     * added with {@link #addCertificate}: new and changed ones are loaded, those left out removed. One caller.
     */
    public void syncCertificates(Map<String, CertificatePem> wanted) {
        certificateSync.apply(wanted);
    }

    /** The certificate for HTTPS clients whose SNI name has no certificate of its own (or no SNI). */
    public void setDefaultCertificate(String certPem, String keyPem) {
        certificates.setDefault(certPem, keyPem);
    }

    /** The bound HTTPS port; IllegalStateException when HTTPS is off. */
    public int httpsPort() {
        if (httpsListener == null) {
            throw new IllegalStateException("router has no HTTPS listener (httpsPort is -1 or not started)");
        }
        return ((InetSocketAddress) httpsListener.localAddress()).getPort();
    }

    private void closeListeners() {
        twins.forEach(twin -> twin.close().syncUninterruptibly());
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (httpsListener != null) {
            httpsListener.close().syncUninterruptibly();
        }
    }

    /** Swaps the route table atomically; requests in flight keep the backend they have. */
    public void update(RouteTable table) {
        proxy.update(table);
        proxy.httpsRedirect().tableChanged(table);
    }

    public RouteTable table() {
        return proxy.table();
    }

    /** The bound port, useful after binding port 0. */
    public int port() {
        if (listener == null) {
            throw new IllegalStateException("router not started");
        }
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public RouteMetrics metrics() {
        return proxy.traffic();
    }

    /** Requests held for apps that sleep or wake (see {@link dev.skep.route.proxy.WakeHolds}). */
    public WakeHolds wakeHolds() {
        return proxy.wakeHolds();
    }

    /** The apps with a request in flight at one of their instances now (an open websocket counts), or held. */
    public Set<AppId> busyApps() {
        Set<AppId> busy = new HashSet<>(proxy.wakeHolds().waiting().keySet());
        for (AppRoute route : proxy.table().routes()) {
            if (route.backends().stream().anyMatch(b -> proxy.loads().outstanding(b) > 0)
                    || route.standby().stream().anyMatch(b -> proxy.loads().outstanding(b) > 0)) {
                busy.add(route.app());
            }
        }
        return busy;
    }

    /** Requests being proxied right now (including open websockets). */
    public int inFlight() {
        return proxy.inFlight();
    }

    /** Stops accepting, lets in-flight requests finish (up to the drain timeout), then stops. */
    @Override
    public void close() {
        if (!state.compareAndSet(State.STARTED, State.CLOSED)) {
            state.set(State.CLOSED);
            return;
        }
        closeListeners();
        proxy.startDraining();
        awaitLoops(); // the idle client connections it told to close have closed before the loops shut down
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        try {
            while (proxy.inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (proxy.inFlight() > 0) {
            log.warn("event=router.close-in-flight requests={} after={}", proxy.inFlight(), config.drainTimeout());
        }
        shutdownGroup();
    }

    /** Runs a no-op on each event loop and waits for it: what was queued on the loops before has run. */
    private void awaitLoops() {
        if (group == null) {
            return;
        }
        for (EventExecutor loop : group) {
            loop.submit(() -> { }).awaitUninterruptibly(1_000);
        }
    }

    private void shutdownGroup() {
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    Duration drainTimeout() {
        return config.drainTimeout();
    }
}
