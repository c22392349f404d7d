package dev.skep.client;

import java.net.URI;

/** Nothing answers at the server address: refused, timed out or unknown host. */
public final class SkepUnreachableException extends SkepClientException {

    private final URI server;

    public SkepUnreachableException(URI server, String reason, Throwable cause) {
        super("cannot reach skep at " + server + ": is `skep server` running?",
                reason + "; point elsewhere with --server URL or SKEP_SERVER", cause);
        this.server = server;
    }

    public URI server() {
        return server;
    }
}
