package dev.skep.route.proxy;

import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What every connection of one router shares: config, the current route table, backend loads,
 * per-event-loop pools, counters. Owned by the router server.
 */
public final class ProxyContext {

    private final RouterConfig config;
    private final BackendLoads loads;
    private final TrafficCounters traffic = new TrafficCounters();
    private final AccessLog accessLog = new AccessLog();
    private final HttpsRedirect httpsRedirect = new HttpsRedirect();
    /** Requests waiting for a sleeping app to wake: 1000 per app, for the wake hold at most (a thundering herd stays bounded). */
    private final WakeHolds wakeHolds;
    private final ConcurrentHashMap<EventLoop, LoopPools> pools = new ConcurrentHashMap<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private final ClientConnections clients;
    private volatile Dialer dialer;
    private volatile RouteTable table = RouteTable.empty();
    private volatile Set<Backend> live = Set.of();
    private volatile Map<Backend, InetSocketAddress> addresses = Map.of();
    private volatile boolean draining;
    /** Every client connection open now (each leaves as it closes): told when the router starts draining. */
    private final ChannelGroup clientChannels = new DefaultChannelGroup("router-clients", GlobalEventExecutor.INSTANCE);
    /** The user event a client connection gets when the router starts draining. */
    static final Object DRAINING = new Object() {
        @Override
        public String toString() {
            return "router draining";
        }
    };
    /** Set by the first table: before it the router knows no app (see RouterHealth). */
    private volatile boolean routing;
    /** System.nanoTime() when the first table came (valid once {@link #routing} is set). */
    private volatile long routingSince;

    public ProxyContext(RouterConfig config, BackendLoads loads, Dialer dialer) {
        this.config = config;
        this.wakeHolds = new WakeHolds(1000, config.wakeHold());
        this.loads = loads;
        this.dialer = dialer;
        this.clients = new ClientConnections(config.maxConnections(), config.maxConnectionsPerIp(),
                config.trustedProxies());
    }

    /** Client connection counts over all listeners (total, per IP). */
    ClientConnections clients() {
        return clients;
    }

    public RouterConfig config() {
        return config;
    }

    public RouteTable table() {
        return table;
    }

    /** Swaps the table; pooled idle connections to backends that left are closed on their own loops. */
    public void update(RouteTable next) {
        Set<Backend> nextLive = Set.copyOf(next.backends());
        Map<Backend, InetSocketAddress> resolved = new HashMap<>();
        for (Backend b : nextLive) {
            InetSocketAddress known = addresses.get(b);
            resolved.put(b, known != null ? known : new InetSocketAddress(b.host(), b.port())); // DNS here, off the loops
        }
        addresses = resolved;
        table = next;
        live = nextLive;
        if (!routing) {
            routingSince = System.nanoTime();
        }
        routing = true;
        loads.retain(nextLive);
        wakeHolds.tableChanged(next); // after the swap: a request held meanwhile sees this table when it checks again
        pools.forEach((loop, both) -> loop.execute(() -> both.each(BackendPool::closeIdleNotLive)));
    }

    /** The backend's address, resolved when the table arrived (never on an event loop). */
    public InetSocketAddress address(Backend b) {
        InetSocketAddress a = addresses.get(b);
        return a != null ? a : InetSocketAddress.createUnresolved(b.host(), b.port());
    }

    boolean isLive(Backend b) {
        return live.contains(b);
    }

    public BackendLoads loads() {
        return loads;
    }

    public TrafficCounters traffic() {
        return traffic;
    }

    public WakeHolds wakeHolds() {
        return wakeHolds;
    }

    public HttpsRedirect httpsRedirect() {
        return httpsRedirect;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    /** The loop's pool of backend connections of one kind ({@code raw}: see {@link Dialer}). */
    BackendPool pool(EventLoop loop, boolean raw) {
        LoopPools both = pools.get(loop); // before computeIfAbsent, whose capturing lambda would be made per call
        if (both == null) {
            both = pools.computeIfAbsent(loop, l -> new LoopPools(new BackendPool(this, false),
                    new BackendPool(this, true)));
        }
        return raw ? both.raw() : both.objects();
    }

    /** One event loop's two pools: connections that speak HTTP objects, and raw ones. */
    private record LoopPools(BackendPool objects, BackendPool raw) {
        void each(Consumer<BackendPool> action) {
            action.accept(objects);
            action.accept(raw);
        }
    }

    Dialer dialer() {
        return dialer;
    }

    public void dialer(Dialer d) {
        this.dialer = d;
    }

    /** Whether a table from the owner is in (not the empty one the router starts with). */
    public boolean routing() {
        return routing;
    }

    /**
     * Whether the router got its first table less than {@link RouterConfig#startHold()} ago: a `skep server` restarted
     * with its apps left running re-adopts them within about a second of it, and their clients wait that out.
     */
    boolean justStarted() {
        return routing && System.nanoTime() - routingSince < config.startHold().toNanos();
    }

    public boolean draining() {
        return draining;
    }

    /** A client connection opened: it hears {@link #DRAINING} when the router drains. */
    void opened(Channel client) {
        clientChannels.add(client);
    }

    /**
     * From now on every response closes its connection, idle client connections are closed (a keep-alive client's
     * next request then finds the port closed, rather than being taken by a router about to stop, and failing or
     * hanging until the process exits), and idle pooled connections are closed.
     */
    public void startDraining() {
        draining = true;
        for (Channel client : clientChannels) {
            client.eventLoop().execute(() -> client.pipeline().fireUserEventTriggered(DRAINING));
        }
        pools.forEach((loop, both) -> loop.execute(() -> both.each(BackendPool::closeAllIdle)));
    }

    AtomicInteger exchanges() {
        return exchanges;
    }

    public int inFlight() {
        return exchanges.get();
    }
}
