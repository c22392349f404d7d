package dev.skep.model.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One CIDR range, IPv4 or IPv6, e.g. "10.0.5.0/24" or "fd00::/8"; a bare address is one host. Literals only,
 * never names (no DNS when flags are read). The one parser and matcher of ranges: the monitor's allowed webhook
 * destinations and the router's trusted proxies both use it.
 */
public record AddressRange(byte[] network, int prefix) {

    public AddressRange {
        network = network.clone();
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix must be 0-" + network.length * 8 + ", found " + prefix);
        }
    }

    /** Parses "10.0.0.0/8", "192.168.1.5" or "fd00::/8"; IllegalArgumentException names the bad entry. */
    public static AddressRange parse(String cidr) {
        String text = cidr == null ? "" : cidr.strip();
        int slash = text.indexOf('/');
        String ip = slash < 0 ? text : text.substring(0, slash);
        byte[] network = literal(ip);
        if (network == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range; use e.g. "
                    + "10.0.5.0/24, 192.168.1.5 or fd00::/8");
        }
        int prefix = network.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("'" + text + "' has a bad prefix length; use 0-" + network.length * 8);
            }
        }
        return new AddressRange(network, prefix);
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** @param a an address's bytes, 4 or 16: another length than the range's is outside it */
    public boolean contains(byte[] a) {
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange r && r.prefix == prefix && Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return Arrays.toString(network) + "/" + prefix;
        }
    }

    /** Dotted-quad IPv4 or an IPv6 literal (never looked up), else null. */
    private static byte[] literal(String ip) {
        if (ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            byte[] out = new byte[4];
            String[] parts = ip.split("\\.");
            for (int i = 0; i < 4; i++) {
                int n = Integer.parseInt(parts[i]);
                if (n > 255) {
                    return null;
                }
                out[i] = (byte) n;
            }
            return out;
        }
        if (ip.indexOf(':') >= 0 && ip.matches("[0-9A-Fa-f:.]+")) {
            try {
                return InetAddress.getByName(ip).getAddress(); // a literal with ':' is never looked up
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }
}
