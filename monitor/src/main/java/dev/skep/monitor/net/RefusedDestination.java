package dev.skep.monitor.net;

import java.io.IOException;

/** A webhook's host resolves only to addresses it may not reach (loopback, private, metadata ...). */
public final class RefusedDestination extends IOException {

    public RefusedDestination(String host, String why) {
        super("host " + host + " resolves to an internal address (" + why + "); an admin may allow internal "
                + "receivers with --webhook-allow CIDR");
    }
}
