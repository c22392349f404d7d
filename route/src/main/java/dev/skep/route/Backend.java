package dev.skep.route;

/**
 * One ready instance of an app, as the router dials it.
 *
 * @param instance the instance id, for logs and metrics
 */
public record Backend(String instance, String host, int port) {

    public Backend {
        if (instance == null || instance.isEmpty()) {
            throw new IllegalArgumentException("instance must be set, found " + instance);
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host of " + instance + " must be set, found " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port of " + instance + " must be 1-65535, found " + port);
        }
    }

    @Override
    public String toString() {
        return instance + "@" + host + ":" + port;
    }
}
