package dev.skep.route;

import dev.skep.model.net.AddressRange;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The address ranges (CIDR, IPv4 and IPv6) whose X-Forwarded-* headers the router believes: a load
 * balancer in front of it, say. A client anywhere else is untrusted and its forwarding headers are
 * replaced. Immutable; {@link #contains} allocates nothing and is safe on an event loop.
 */
public final class TrustedProxies {

    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    /** One range and the entry it was read from, for toString. */
    private record Range(AddressRange range, String text) {
    }

    private final Range[] ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = ranges.toArray(Range[]::new);
    }

    /** Trusts no one: every incoming forwarding header is replaced (the default). */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Parses "10.0.0.0/8,192.168.1.5,2001:db8::/32" (a bare address is one host). Only literal
     * addresses, never names (no DNS at start-up). IllegalArgumentException names the bad entry.
     */
    public static TrustedProxies parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        List<Range> ranges = new ArrayList<>();
        for (String entry : list.split(",")) {
            String e = entry.trim();
            if (!e.isEmpty()) {
                ranges.add(range(e));
            }
        }
        return new TrustedProxies(ranges);
    }

    private static Range range(String cidr) {
        try {
            return new Range(AddressRange.parse(cidr), cidr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trusted proxy range " + e.getMessage(), e);
        }
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d, from a dual-stack socket) counts as IPv4. */
    private static byte[] normalize(byte[] a) {
        if (a.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (a[i] != 0) {
                    return a;
                }
            }
            if (a[10] == (byte) 0xff && a[11] == (byte) 0xff) {
                return Arrays.copyOfRange(a, 12, 16);
            }
        }
        return a;
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    /** True when the peer's address is in one of the ranges; false for null or an unresolved address. */
    public boolean contains(InetSocketAddress peer) {
        if (ranges.length == 0 || peer == null || peer.getAddress() == null) {
            return false;
        }
        return contains(peer.getAddress());
    }

    public boolean contains(InetAddress address) {
        if (ranges.length == 0) {
            return false;
        }
        byte[] a = address.getAddress();
        if (address instanceof Inet6Address) {
            a = normalize(a);
        }
        for (Range r : ranges) {
            if (r.range().contains(a)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Range r : ranges) {
            b.append(b.isEmpty() ? "" : ",").append(r.text());
        }
        return b.toString();
    }
}
