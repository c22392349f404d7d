package dev.skep.model;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * How the routers treat an app's requests, kept in its "route" document (no release, no rollout: the
 * routers apply a change within a second).
 *
 * @param maxBodyBytes the largest request body accepted (413 above it), 0 for the router's default
 * @param httpsOnly    plain-HTTP requests get a 308 to the same URL on https (when the router has HTTPS)
 * @param sticky       cookie affinity: a client that got the router's cookie keeps going to the same instance
 *                     while it is ready (for in-memory sessions, socket.io's long-polling)
 * @param idleStopSeconds an app without a request for this long is stopped ("sleeping") and woken by its next
 *                     request, which the routers hold meanwhile; 0: off. Only for apps whose process types are all web
 */
public record RouteSettings(long maxBodyBytes, boolean httpsOnly, boolean sticky, long idleStopSeconds) {

    public static final String DOCUMENT = "route";
    /** A body limit above this is a typo, not a setting. */
    public static final long MAX_BODY_LIMIT = 1L << 40;
    public static final RouteSettings DEFAULTS = new RouteSettings(0, false, false, 0);
    /** Shorter is a typo (a request every second keeps an app up anyway); longer than a week saves nothing. */
    public static final long MIN_IDLE_STOP_SECONDS = 1;
    public static final long MAX_IDLE_STOP_SECONDS = 7 * 24 * 3600;

    public RouteSettings(long maxBodyBytes, boolean httpsOnly, boolean sticky) {
        this(maxBodyBytes, httpsOnly, sticky, 0);
    }

    @JsonCreator // the canonical one (older documents lack idleStopSeconds: off)
    public RouteSettings {
        if (idleStopSeconds != 0
                && (idleStopSeconds < MIN_IDLE_STOP_SECONDS || idleStopSeconds > MAX_IDLE_STOP_SECONDS)) {
            throw SkepException.badRequest("idleStop must be 0 (off) or " + MIN_IDLE_STOP_SECONDS + " to "
                    + MAX_IDLE_STOP_SECONDS + " seconds, found " + idleStopSeconds, "e.g. 900 for 15 minutes");
        }
        if (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_LIMIT) {
            throw SkepException.badRequest("maxBodyBytes must be 0 (the router's default) to " + MAX_BODY_LIMIT
                    + ", found " + maxBodyBytes, "e.g. 52428800 for 50 MiB");
        }
    }

    /** These settings with what a change names (null: keep). */
    public RouteSettings with(Long newMaxBodyBytes, Boolean newHttpsOnly, Boolean newSticky) {
        return with(newMaxBodyBytes, newHttpsOnly, newSticky, null);
    }

    /** As {@link #with(Long, Boolean, Boolean)}, with the idle stop (seconds, 0: off; null: keep). */
    public RouteSettings with(Long newMaxBodyBytes, Boolean newHttpsOnly, Boolean newSticky, Long newIdleStop) {
        return new RouteSettings(newMaxBodyBytes == null ? maxBodyBytes : newMaxBodyBytes,
                newHttpsOnly == null ? httpsOnly : newHttpsOnly, newSticky == null ? sticky : newSticky,
                newIdleStop == null ? idleStopSeconds : newIdleStop);
    }

    public boolean idleStop() {
        return idleStopSeconds > 0;
    }
}
