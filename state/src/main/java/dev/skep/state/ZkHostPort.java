package dev.skep.state;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** One server of a ZooKeeper connect string ("h1:2181,h2:2181/chroot"). */
public record ZkHostPort(String host, int port) {

    /** Each server of {@code connectString}, in order; the chroot left out. */
    public static List<ZkHostPort> parse(String connectString) {
        return Arrays.stream(connectString.replaceFirst("/.*$", "").split(",")).map(hostPort -> {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("a ZooKeeper server is host:port, found '" + hostPort
                        + "' in '" + connectString + "'");
            }
            return new ZkHostPort(hostPort.substring(0, colon).strip(),
                    Integer.parseInt(hostPort.substring(colon + 1).strip()));
        }).toList();
    }

    /** The ports of every connect string given (nulls skipped). */
    public static Set<Integer> portsOf(String... connectStrings) {
        return Arrays.stream(connectStrings).filter(Objects::nonNull)
                .flatMap(c -> parse(c).stream()).map(ZkHostPort::port).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
