package dev.skep.deploy;

import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * How many apps one user may own. Each app is nodes in the cluster state (its spec, its releases), so without a bound
 * one token could grow the state until ZooKeeper's heap, and every app with it, gives out. Checked where apps are
 * made: a first deploy (before its build, and again as it makes the app) and a create. Within one controller a user's
 * creations take turns, so concurrent ones cannot pass the bound together; with several controllers each may let one
 * more through.
 */
public final class AppQuota {

    private final AppCatalog state;
    private final int maxPerUser;
    private final ConcurrentHashMap<String, Object> creating = new ConcurrentHashMap<>();

    public AppQuota(AppCatalog state, int maxPerUser) {
        this.state = state;
        this.maxPerUser = maxPerUser;
    }

    public int maxPerUser() {
        return maxPerUser;
    }

    /** Refuses (403) {@code app}, which its caller found does not exist, when its user owns {@link #maxPerUser}. */
    public void requireRoomFor(AppId app) {
        int owned = state.appCount(app.user());
        if (owned >= maxPerUser) {
            throw new SkepException(SkepException.Kind.FORBIDDEN, app.user() + " owns " + owned + " apps, the most "
                    + "this server allows one user (--max-apps-per-user " + maxPerUser + "): " + app + " was not made",
                    "delete an app you no longer need (skep delete USER/APP --yes), or ask an admin to raise the bound");
        }
    }

    /**
     * Makes {@code app} with {@code make} if its user has room, one creation per user at a time: the count and the
     * creation are not split by another of the same user's. The state is read directly (not a cache), so the
     * previous creation is counted.
     */
    public <T> T create(AppId app, Supplier<T> make) {
        synchronized (creating.computeIfAbsent(app.user(), u -> new Object())) {
            requireRoomFor(app);
            return make.get();
        }
    }
}
