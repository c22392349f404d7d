package dev.skep.route.proxy;

import dev.skep.route.Backend;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Idle keep-alive connections to backends, for one event loop and touched only from it, so no
 * locks. A lease is the most recently used connection (warmest); a new one is dialled when none is idle.
 */
final class BackendPool {

    private static final int MAX_IDLE_PER_BACKEND = 256;

    private final ProxyContext proxy;
    private final boolean raw;
    private final Map<Backend, ArrayDeque<Channel>> idle = new HashMap<>();

    /** {@code raw}: connections whose responses are read as bytes (see {@link Dialer}). */
    BackendPool(ProxyContext proxy, boolean raw) {
        this.proxy = proxy;
        this.raw = raw;
    }

    ChannelFuture acquire(Backend b, EventLoop loop) {
        ArrayDeque<Channel> q = idle.get(b);
        while (q != null && !q.isEmpty()) {
            Channel ch = q.pollLast();
            if (ch.isActive()) {
                return ch.newSucceededFuture();
            }
        }
        return proxy.dialer().dial(b, loop, raw);
    }

    /** Takes back a connection whose exchange ended cleanly; closes it when it should not be reused. */
    void release(Backend b, Channel ch) {
        ArrayDeque<Channel> q = idle.computeIfAbsent(b, k -> new ArrayDeque<>());
        if (!ch.isActive() || proxy.draining() || !proxy.isLive(b) || q.size() >= MAX_IDLE_PER_BACKEND) {
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
}
