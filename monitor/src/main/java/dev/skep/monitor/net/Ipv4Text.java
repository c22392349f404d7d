package dev.skep.monitor.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IPv4 addresses as the C library reads them (inet_aton): "127.0.0.1" but also "127.1", "2130706433",
 * "0x7f.0.0.1" and "0177.0.0.1". A URL's host in any of these forms reaches the address, so it is judged as one.
 */
final class Ipv4Text {

    private Ipv4Text() {
    }

    /** A host whose last label is a number is an address, not a name: no top-level domain is numeric. */
    static boolean looksNumeric(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        return !last.isEmpty() && last.matches("(?i)0x[0-9a-f]*|[0-9]+");
    }

    static Optional<InetAddress> parse(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] n = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long v = number(parts[i]);
            if (v == null) {
                return Optional.empty();
            }
            n[i] = v;
        }
        long value = 0;
        for (int i = 0; i < n.length - 1; i++) {
            if (n[i] > 255) {
                return Optional.empty();
            }
            value |= n[i] << (8 * (3 - i));
        }
        long last = n[n.length - 1];
        if (last >= 1L << (8 * (4 - (n.length - 1)))) {
            return Optional.empty();
        }
        value |= last;
        byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return Optional.of(InetAddress.getByAddress(b));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Long number(String part) {
        try {
            if (part.matches("(?i)0x[0-9a-f]{1,8}")) {
                return Long.parseLong(part.substring(2), 16);
            }
            if (part.matches("0[0-7]{1,11}")) {
                return Long.parseLong(part, 8);
            }
            if (part.matches("[0-9]{1,10}")) {
                return Long.parseLong(part);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }
}
