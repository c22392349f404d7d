package dev.skep.route;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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

    /** One range: the network's bytes (4 or 16) and its prefix length. */
    private record Range(byte[] network, int prefix, String text) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
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
        int slash = cidr.indexOf('/');
        String ip = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] network = literal(ip, cidr);
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("trusted proxy range '" + cidr + "' has a bad prefix length; use 0-"
                        + bits + ", e.g. " + (bits == 32 ? "10.0.0.0/8" : "fd00::/8"));
            }
        }
        return new Range(network, prefix, cidr);
    }

    private static byte[] literal(String ip, String entry) {
        byte[] v4 = ipv4(ip);
        if (v4 != null) {
            return v4;
        }
        if (ip.indexOf(':') >= 0) {
            try {
                return normalize(InetAddress.getByName(ip).getAddress()); // a literal with ':' is never looked up
            } catch (UnknownHostException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("trusted proxy range '" + entry + "' is not an IP address or CIDR range; "
                + "use e.g. 10.0.0.0/8, 192.168.1.5 or fd00::/8");
    }

    /** Four dotted numbers 0-255, else null. */
    private static byte[] ipv4(String ip) {
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int n = Integer.parseInt(p);
            if (n > 255) {
                return null;
            }
            out[i] = (byte) n;
        }
        return out;
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
            if (r.contains(a)) {
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
