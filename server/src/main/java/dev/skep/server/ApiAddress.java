package dev.skep.server;

/**
 * Where apps reach this server's API (heartbeats): the advertised host and the API's port. The port is known only
 * once the API has bound (port 0 picks a free one, as tests do), so this is the one value the composition root
 * sets after it built what reads it.
 */
final class ApiAddress {

    private final String host;
    private volatile int port;

    ApiAddress(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** E.g. "http://127.0.0.1:9002". */
    String base() {
        return "http://" + host + ":" + port;
    }

    /** The API listens on {@code boundPort}. */
    void bound(int boundPort) {
        this.port = boundPort;
    }
}
