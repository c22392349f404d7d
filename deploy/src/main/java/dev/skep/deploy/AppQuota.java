package dev.skep.deploy;

import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;

/**
 * How many apps one user may own. Each app is nodes in the cluster state (its spec, its releases), so without a bound
 * one token could grow the state until ZooKeeper's heap, and every app with it, gives out. Checked where apps are
 * made: a first deploy (before its build) and a create. Concurrent first deploys of one user may pass it by a few.
 */
public record AppQuota(AppCatalog state, int maxPerUser) {

    /** Refuses (403) {@code app}, which its caller found does not exist, when its user owns {@link #maxPerUser}. */
    public void requireRoomFor(AppId app) {
        long owned = state.apps().stream().filter(a -> a.id().user().equals(app.user())).count();
        if (owned >= maxPerUser) {
            throw new SkepException(SkepException.Kind.FORBIDDEN, app.user() + " owns " + owned + " apps, the most "
                    + "this server allows one user (--max-apps-per-user " + maxPerUser + "): " + app + " was not made",
                    "delete an app you no longer need (skep delete USER/APP --yes), or ask an admin to raise the bound");
        }
    }
}
