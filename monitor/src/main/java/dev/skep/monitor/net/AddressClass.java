package dev.skep.monitor.net;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Which addresses are not on the public internet: what a tenant's webhook must not reach (this host, the
 * cloud's metadata service, the internal network). IPv6 forms that embed an IPv4 address (mapped, compatible,
 * NAT64, 6to4) are judged by the IPv4 address inside.
 */
public final class AddressClass {

    private AddressClass() {
    }

    /** What kind of internal address this is ("loopback", "private", ...), or empty for a public one. */
    public static Optional<String> internal(InetAddress address) {
        byte[] a = address.getAddress();
        return Optional.ofNullable(a.length == 4 ? ipv4(a) : ipv6(a));
    }

    private static String ipv4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        if (b0 == 0) {
            return "unspecified";
        }
        if (b0 == 127) {
            return "loopback";
        }
        if (b0 == 169 && b1 == 254) {
            return (a[2] & 0xff) == 169 && (a[3] & 0xff) == 254 ? "cloud metadata" : "link-local";
        }
        if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
            return "private";
        }
        if (b0 == 100 && (b1 & 0xc0) == 64) {
            return "shared (CGNAT)"; // also Alibaba's metadata, 100.100.100.200
        }
        if (b0 == 192 && b1 == 0 && a[2] == 0) {
            return "reserved"; // IETF protocol assignments, Oracle's metadata 192.0.0.192
        }
        if (b0 == 198 && (b1 & 0xfe) == 18) {
            return "reserved"; // benchmarking
        }
        if (b0 >= 224 && b0 < 240) {
            return "multicast";
        }
        if (b0 >= 240) {
            return "reserved"; // includes broadcast 255.255.255.255
        }
        return null;
    }

    private static String ipv6(byte[] a) {
        if (zeros(a, 0, 15)) {
            return a[15] == 0 ? "unspecified" : a[15] == 1 ? "loopback" : ipv4(tail(a, 12));
        }
        if (zeros(a, 0, 10) && a[10] == (byte) 0xff && a[11] == (byte) 0xff) {
            return ipv4(tail(a, 12)); // IPv4-mapped
        }
        if (zeros(a, 0, 12)) {
            return ipv4(tail(a, 12)); // IPv4-compatible (deprecated)
        }
        if (a[0] == 0 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b && zeros(a, 4, 12)) {
            return ipv4(tail(a, 12)); // NAT64 64:ff9b::/96
        }
        if (a[0] == 0x20 && a[1] == 0x02) {
            return ipv4(new byte[] {a[2], a[3], a[4], a[5]}); // 6to4 2002::/16
        }
        int b0 = a[0] & 0xff;
        if (b0 == 0xff) {
            return "multicast";
        }
        if (b0 == 0xfe && (a[1] & 0xc0) == 0x80) {
            return "link-local";
        }
        if (b0 == 0xfe && (a[1] & 0xc0) == 0xc0) {
            return "private"; // site-local (deprecated)
        }
        if ((b0 & 0xfe) == 0xfc) {
            return "private"; // unique local fc00::/7, e.g. AWS's metadata fd00:ec2::254
        }
        if (b0 == 0x01 && a[1] == 0 && zeros(a, 2, 8)) {
            return "reserved"; // discard-only 100::/64
        }
        return null;
    }

    private static boolean zeros(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] tail(byte[] a, int from) {
        return new byte[] {a[from], a[from + 1], a[from + 2], a[from + 3]};
    }
}
