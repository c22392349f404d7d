package dev.skep.route.proxy;

import dev.skep.route.Backend;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Connections to backends for one event loop, touched only from it, so no locks: idle keep-alive ones (a lease is
 * the most recently used, the warmest) and the dials in progress.
 *
 * <p>At most {@link #MAX_DIALS_PER_BACKEND} dials to one backend are in progress at once; a lease beyond them waits
 * in a queue for the next dial slot or for a connection an exchange gives back, whichever comes first (HAProxy's
 * per-server queue). Without it a herd of requests (a sleeping app woken by 1,000 held requests) dials the node at
 * once, overflows its listen backlog (511), and the dropped SYNs wait out retransmits past the connect timeout: 502s.
 */
final class BackendPool {

    private static final int MAX_IDLE_PER_BACKEND = 256;
    /** Per loop: a router with 4 loops has at most 128 SYNs in flight to one node, well under its backlog. */
    static final int MAX_DIALS_PER_BACKEND = 32;

    private final ProxyContext proxy;
    private final boolean raw;
    private final Map<Backend, ArrayDeque<Channel>> idle = new HashMap<>();
    private final Map<Backend, Dials> dials = new HashMap<>();

    /** {@code raw}: connections whose responses are read as bytes (see {@link Dialer}). */
    BackendPool(ProxyContext proxy, boolean raw) {
        this.proxy = proxy;
        this.raw = raw;
    }

    /** A connection to {@code b}: an idle one, a new dial, or a place in the queue (see the class comment). */
    Future<Channel> acquire(Backend b, EventLoop loop) {
        ArrayDeque<Channel> q = idle.get(b);
        while (q != null && !q.isEmpty()) {
            Channel ch = q.pollLast();
            if (ch.isActive()) {
                return loop.newSucceededFuture(ch);
            }
        }
        Dials d = dials.computeIfAbsent(b, k -> new Dials());
        Promise<Channel> lease = loop.newPromise();
        if (d.inProgress < MAX_DIALS_PER_BACKEND) {
            dial(b, loop, d, lease);
        } else {
            d.waiting.addLast(lease);
        }
        return lease;
    }

    private void dial(Backend b, EventLoop loop, Dials d, Promise<Channel> lease) {
        d.inProgress++;
        ChannelFuture f = proxy.dialer().dial(b, loop, raw);
        if (f.isDone()) {
            dialed(b, loop, d, lease, f);
        } else {
            f.addListener(x -> dialed(b, loop, d, lease, (ChannelFuture) x));
        }
    }

    private void dialed(Backend b, EventLoop loop, Dials d, Promise<Channel> lease, ChannelFuture f) {
        d.inProgress--;
        if (f.isSuccess()) {
            if (!lease.trySuccess(f.channel())) {
                release(b, f.channel());
            }
        } else {
            lease.tryFailure(f.cause() != null ? f.cause() : new IllegalStateException("dial cancelled"));
            // The backend is ejected now: the queued leases fail too, so their exchanges pick another instance
            // (or retry this one) at once instead of each waiting out its own dial.
            for (Promise<Channel> w; (w = d.waiting.pollFirst()) != null; ) {
                w.tryFailure(f.cause() != null ? f.cause() : new IllegalStateException("dial cancelled"));
            }
        }
        while (d.inProgress < MAX_DIALS_PER_BACKEND && !d.waiting.isEmpty()) {
            Promise<Channel> next = d.waiting.pollFirst();
            if (!next.isDone()) {
                dial(b, loop, d, next);
            }
        }
        if (d.inProgress == 0 && d.waiting.isEmpty()) {
            dials.remove(b, d);
        }
    }

    /**
     * Takes back a connection whose exchange ended cleanly: to the first lease waiting for this backend, else idle;
     * closes it when it should not be reused.
     */
    void release(Backend b, Channel ch) {
        if (!ch.isActive() || proxy.draining() || !proxy.isLive(b)) {
            ch.close();
            return;
        }
        Dials d = dials.get(b);
        if (d != null) {
            for (Promise<Channel> w; (w = d.waiting.pollFirst()) != null; ) {
                if (w.trySuccess(ch)) {
                    return;
                }
            }
        }
        ArrayDeque<Channel> q = idle.computeIfAbsent(b, k -> new ArrayDeque<>());
        if (q.size() >= MAX_IDLE_PER_BACKEND) {
            ch.close();
            return;
        }
        q.addLast(ch);
        ch.read(); // notice the backend closing it while idle
    }

    /** A pooled connection closed (backend timeout, crash, idle expiry). */
    void remove(Backend b, Channel ch) {
        ArrayDeque<Channel> q = idle.get(b);
        if (q != null) {
            q.remove(ch);
        }
    }

    void closeIdleNotLive() {
        for (Iterator<Map.Entry<Backend, ArrayDeque<Channel>>> it = idle.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Backend, ArrayDeque<Channel>> e = it.next();
            if (!proxy.isLive(e.getKey())) {
                it.remove();
                e.getValue().forEach(Channel::close);
            }
        }
    }

    void closeAllIdle() {
        idle.values().forEach(q -> q.forEach(Channel::close));
        idle.clear();
    }

    int idleCount(Backend b) {
        ArrayDeque<Channel> q = idle.get(b);
        return q == null ? 0 : q.size();
    }

    /** Leases waiting for a dial slot or a given-back connection to {@code b}. */
    int waitingCount(Backend b) {
        Dials d = dials.get(b);
        return d == null ? 0 : d.waiting.size();
    }

    /** One backend's dials in progress and the leases queued behind them. */
    private static final class Dials {
        int inProgress;
        final ArrayDeque<Promise<Channel>> waiting = new ArrayDeque<>();
    }
}
