package dev.skep.route.proxy;

import dev.skep.route.TrustedProxies;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client connection counts of one router, over all its listeners: a total cap, a per-client-IP cap,
 * and a reserve. Touched on connect and close only, O(1) and lock-free.
 * <ul>
 * <li>An IPv6 client is counted by its /64: one host gets a whole /64 and could rotate through it.</li>
 * <li>Trusted proxies (a load balancer) carry many clients on one address: only the total cap applies.</li>
 * <li>The reserve: once the router holds {@code max - reserve} connections, a client that already holds
 *     {@link #SMALL_CLIENT} or more gets no more, so a new visitor still gets in while a few IPs sit at
 *     their caps.</li>
 * </ul>
 */
final class ClientConnections {

    /** What a browser opens to one site (6) with room to spare. */
    static final int SMALL_CLIENT = 8;

    enum Refusal { TOTAL, PER_IP, RESERVE }

    /** The outcome of {@link #admit}: a refusal, or a connection to give back on close exactly once. */
    static final class Slot {
        private final InetAddress key;
        private final AtomicInteger count;
        final Refusal refusal;

        private Slot(InetAddress key, AtomicInteger count, Refusal refusal) {
            this.key = key;
            this.count = count;
            this.refusal = refusal;
        }
    }

    private static final Slot UNCOUNTED = new Slot(null, null, null);
    private static final Slot[] REFUSED = {new Slot(null, null, Refusal.TOTAL), new Slot(null, null, Refusal.PER_IP),
            new Slot(null, null, Refusal.RESERVE)};

    private final int max;
    private final int perIp;
    private final int reserve;
    private final TrustedProxies trusted;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byIp = new ConcurrentHashMap<>();

    ClientConnections(int max, int perIp, TrustedProxies trusted) {
        this.max = max;
        this.perIp = perIp;
        this.reserve = Math.max(1, max / 10);
        this.trusted = trusted;
    }

    int open() {
        return open.get();
    }

    int open(InetAddress client) {
        AtomicInteger c = byIp.get(key(client));
        return c == null ? 0 : Math.max(0, c.get());
    }

    /** Counts tracked IPs (for tests: entries go away when their last connection closes). */
    int trackedIps() {
        return byIp.size();
    }

    /** Counts a new connection from {@code client}, unless refused (then {@code slot.refusal} says why). */
    Slot admit(InetAddress client) {
        int total = open.incrementAndGet();
        if (total > max) {
            open.decrementAndGet();
            return REFUSED[Refusal.TOTAL.ordinal()];
        }
        if (client == null || trusted.contains(client)) {
            return UNCOUNTED;
        }
        InetAddress key = key(client);
        boolean reserved = total > max - reserve;
        for (;;) {
            AtomicInteger c = byIp.computeIfAbsent(key, k -> new AtomicInteger());
            int n = c.get();
            if (n < 0) { // being removed by the last close: take a fresh entry
                byIp.remove(key, c);
                continue;
            }
            if (n >= perIp || reserved && n >= SMALL_CLIENT) {
                open.decrementAndGet();
                return REFUSED[(n >= perIp ? Refusal.PER_IP : Refusal.RESERVE).ordinal()];
            }
            if (c.compareAndSet(n, n + 1)) {
                return new Slot(key, c, null);
            }
        }
    }

    void release(Slot slot) {
        if (slot.refusal != null) {
            return;
        }
        open.decrementAndGet();
        if (slot.count != null && slot.count.decrementAndGet() == 0 && slot.count.compareAndSet(0, -1)) {
            byIp.remove(slot.key, slot.count);
        }
    }

    /** The address counted for a client: itself for IPv4 (also IPv4-mapped), its /64 for IPv6. */
    static InetAddress key(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a;
        }
        byte[] b = a.getAddress();
        boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        for (int i = 0; i < 10 && mapped; i++) {
            mapped = b[i] == 0;
        }
        b = mapped ? Arrays.copyOfRange(b, 12, 16) : Arrays.copyOf(b, 16);
        if (!mapped) {
            Arrays.fill(b, 8, 16, (byte) 0);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return a; // 16 bytes are always an address
        }
    }
}
