package dev.skep.deploy.release;

import dev.skep.model.AppCatalog;
import dev.skep.model.Release;
import java.time.Clock;

/**
 * A rollback restores the config vars with the code (Heroku's model, see {@link Release}): once the release gone back
 * to serves, the app's env (what {@code skep env} shows, what the next deploy or config change builds on) is the one
 * that release runs with. Left alone, a rollback away from a bad config change kept the bad vars in the app's env,
 * and the next deploy brought them back.
 */
public final class RolledBackEnv {

    private RolledBackEnv() {
    }

    /** Sets the app's env to {@code release}'s, unless another change made some other release the app's meanwhile. */
    public static void adopt(AppCatalog catalog, Release release, Clock clock) {
        catalog.updateApp(release.app(), spec -> spec != null && spec.release() == release.number()
                ? spec.withEnv(release.env(), clock.instant()) : spec);
    }
}
