package dev.skep.route.proxy;

import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.StickyKeys;

import java.util.Set;

/**
 * The pick step: which backend an attempt goes to (the sticky cookie's instance, else the least loaded serving one,
 * else one standing by), and which sticky cookie the response sets. Holds no state of its own: the exchange passes
 * the backends it already tried.
 */
final class BackendPicker {

    private BackendPicker() {
    }

    /** The backend for the next attempt, or null: none is left to try. */
    static Backend pick(BackendLoads loads, AppRoute route, String stickyKey, Set<Backend> tried, boolean afterReset) {
        Backend chosen = pinned(loads, route, stickyKey, tried);
        if (chosen == null) {
            chosen = loads.choose(route.backends(), tried);
        }
        if (chosen == null || loads.ejected(chosen)) {
            // every serving instance failed this request or cannot be reached: one standing by takes it
            Backend standby = loads.choose(route.standby(), tried);
            if (standby != null && (chosen == null || !loads.ejected(standby))) {
                chosen = standby;
            }
        }
        if (chosen == null && afterReset) {
            chosen = loads.choose(route.backends(), Set.of()); // a stale keep-alive: same backend, new connection
        }
        return chosen;
    }

    /**
     * The instance the client's sticky cookie names, while it serves and can be reached and has not failed this
     * request; else null, and the request is balanced as any other (and gets a new cookie).
     */
    private static Backend pinned(BackendLoads loads, AppRoute route, String stickyKey, Set<Backend> tried) {
        if (route.sticky() == null) {
            return null;
        }
        Backend b = route.sticky().backend(stickyKey);
        return b == null || tried.contains(b) || loads.ejected(b) ? null : b;
    }

    /** The cookie value to set on this response, or null: the app is not sticky, or the client's cookie holds. */
    static String newStickyKey(AppRoute route, String stickyKey, Backend backend) {
        if (route.sticky() == null || backend == null || backend.equals(route.sticky().backend(stickyKey))) {
            return null;
        }
        return StickyKeys.key(backend.instance()); // hashed only when a cookie is set
    }
}
