package dev.skep.model;

/**
 * Where a live router takes traffic, as it registers itself in the state for an edge in front of the
 * routers (`skep edge haproxy`).
 *
 * @param id        the router's id (host name and port), the same id it reports its route epoch under
 * @param host      the address other hosts reach it at (its --advertise)
 * @param port      its HTTP port
 * @param httpsPort its HTTPS port, -1 when it serves none
 */
public record RouterEndpoint(String id, String host, int port, int httpsPort) {

    public RouterEndpoint {
        if (id == null || id.isBlank() || host == null || host.isBlank()) {
            throw new IllegalArgumentException("a router endpoint needs an id and a host, found id=" + id
                    + " host=" + host);
        }
        if (port < 1 || port > 65535 || httpsPort < -1 || httpsPort > 65535 || httpsPort == 0) {
            throw new IllegalArgumentException("router " + id + ": ports out of range (port " + port + ", https "
                    + httpsPort + ")");
        }
    }

    public boolean https() {
        return httpsPort > 0;
    }
}
