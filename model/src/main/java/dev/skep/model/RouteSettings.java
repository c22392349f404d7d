package dev.skep.model;

/**
 * How the routers treat an app's requests, kept in its "route" document (no release, no rollout: the
 * routers apply a change within a second).
 *
 * @param maxBodyBytes the largest request body accepted (413 above it), 0 for the router's default
 * @param httpsOnly    plain-HTTP requests get a 308 to the same URL on https (when the router has HTTPS)
 * @param sticky       cookie affinity: a client that got the router's cookie keeps going to the same instance
 *                     while it is ready (for in-memory sessions, socket.io's long-polling)
 */
public record RouteSettings(long maxBodyBytes, boolean httpsOnly, boolean sticky) {

    public static final String DOCUMENT = "route";
    /** A body limit above this is a typo, not a setting. */
    public static final long MAX_BODY_LIMIT = 1L << 40;
    public static final RouteSettings DEFAULTS = new RouteSettings(0, false, false);

    public RouteSettings {
        if (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_LIMIT) {
            throw SkepException.badRequest("maxBodyBytes must be 0 (the router's default) to " + MAX_BODY_LIMIT
                    + ", found " + maxBodyBytes, "e.g. 52428800 for 50 MiB");
        }
    }

    /** These settings with what a change names (null: keep). */
    public RouteSettings with(Long newMaxBodyBytes, Boolean newHttpsOnly, Boolean newSticky) {
        return new RouteSettings(newMaxBodyBytes == null ? maxBodyBytes : newMaxBodyBytes,
                newHttpsOnly == null ? httpsOnly : newHttpsOnly, newSticky == null ? sticky : newSticky);
    }
}
