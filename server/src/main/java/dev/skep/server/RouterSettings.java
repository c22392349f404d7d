package dev.skep.server;

import java.time.Duration;

/**
 * The router role's settings: `skep router`'s, or the router within `skep server`.
 *
 * @param bind          address its listeners bind
 * @param port          its HTTP port
 * @param advertiseHost the address an edge reaches it at
 * @param baseDomain    apps without a domain of their own are APP.baseDomain
 * @param wakeHold      how long a request for a sleeping app waits while it wakes: the agents' start timeout
 * @param edge          HTTPS, trusted proxies and connection caps
 */
public record RouterSettings(String bind, int port, String advertiseHost, String baseDomain, Duration wakeHold,
                             EdgeConfig edge) {
}
