package dev.skep.route;

import dev.skep.model.AppId;

import java.util.List;

/**
 * Where one host's requests go.
 *
 * @param backends     the ready instances that serve; empty means the app exists but cannot serve (503)
 * @param standby      ready instances tried only when no serving one can take a request (see {@link ServingSplit})
 * @param maxBodyBytes the largest request body accepted, or 0 for the router's default
 * @param httpsOnly    plain-HTTP requests are redirected to https (when the router has an HTTPS listener)
 * @param running      false when the app is stopped (its 503 says so rather than "try again")
 * @param sticky       the cookie values of the serving instances when the app wants sticky sessions, else null
 * @param idleStop     the app may sleep: a request finding no ready instance is held until one is (bounded), not
 *                     answered 503
 * @param sleeping     the app sleeps: a request for it asks for a wake
 * @param released     the app has a live release (false before its first deploy succeeded): only such an app's
 *                     requests wait for its instances in a router's first moments (see RouterConfig#startHold)
 */
public record AppRoute(AppId app, List<Backend> backends, List<Backend> standby, long maxBodyBytes,
                       boolean httpsOnly, boolean running, StickyKeys sticky, boolean idleStop, boolean sleeping,
                       boolean released) {

    public AppRoute {
        if (app == null) {
            throw new IllegalArgumentException("app must be set");
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 0, found " + maxBodyBytes);
        }
        backends = List.copyOf(backends);
        standby = List.copyOf(standby);
    }

    /** A route of an app with a live release. */
    public AppRoute(AppId app, List<Backend> backends, List<Backend> standby, long maxBodyBytes,
                    boolean httpsOnly, boolean running, StickyKeys sticky, boolean idleStop, boolean sleeping) {
        this(app, backends, standby, maxBodyBytes, httpsOnly, running, sticky, idleStop, sleeping, true);
    }

    public AppRoute(AppId app, List<Backend> backends, List<Backend> standby, long maxBodyBytes,
                    boolean httpsOnly, boolean running, StickyKeys sticky) {
        this(app, backends, standby, maxBodyBytes, httpsOnly, running, sticky, false, false);
    }

    public AppRoute(AppId app, List<Backend> backends, List<Backend> standby, long maxBodyBytes, boolean httpsOnly) {
        this(app, backends, standby, maxBodyBytes, httpsOnly, true, null);
    }

    public AppRoute(AppId app, List<Backend> backends, long maxBodyBytes, boolean httpsOnly) {
        this(app, backends, List.of(), maxBodyBytes, httpsOnly);
    }

    public AppRoute(AppId app, List<Backend> backends) {
        this(app, backends, 0, false);
    }

    public AppRoute(AppId app, List<Backend> backends, long maxBodyBytes) {
        this(app, backends, maxBodyBytes, false);
    }
}
