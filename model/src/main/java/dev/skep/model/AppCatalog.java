package dev.skep.model;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** The desired apps and their releases, written by the API and the deployer. A view of {@link ClusterState}. */
public interface AppCatalog {

    List<AppSpec> apps();

    /** How many apps {@code user} owns (a quota's count: cheaper than reading them all where the state can). */
    default int appCount(String user) {
        return (int) apps().stream().filter(a -> a.id().user().equals(user)).count();
    }

    /** The ids of every app (a listing, cheaper than reading them all where the state can). */
    default Set<AppId> appIds() {
        return apps().stream().map(AppSpec::id).collect(Collectors.toSet());
    }

    Optional<AppSpec> app(AppId id);

    /** The app as this process's watch-fed view last saw it (see {@link InstanceStatuses#instancesSeen}). */
    default Optional<AppSpec> appSeen(AppId id) {
        return app(id);
    }

    /** Creates the app if absent, else returns the existing spec. */
    AppSpec createApp(AppId id);

    /** Atomic read-modify-write (retried on concurrent change). Throws NOT_FOUND if absent. */
    AppSpec updateApp(AppId id, UnaryOperator<AppSpec> change);

    /**
     * {@link #updateApp}, and in the same write a new route epoch (see {@link RouteEpochs#markRouteEpoch}), so that a
     * router reporting that epoch routes by the changed spec: a rollout's switch and its marker in one round trip
     * instead of two. The epoch is 0 where this store keeps none in the same write: mark one after, then.
     */
    default Marked updateAppMarkingRoutes(AppId id, UnaryOperator<AppSpec> change) {
        return new Marked(updateApp(id, change), 0);
    }

    /** A spec as written, and the route epoch written with it (0: none). */
    record Marked(AppSpec spec, long routeEpoch) {
    }

    /** Removes the app, its releases and its assignments. */
    void deleteApp(AppId id);

    /** Newest first. */
    List<Release> releases(AppId id);

    Optional<Release> release(AppId id, int number);

    /** Stores a release under the next free number; the factory receives that number. */
    Release addRelease(AppId id, IntFunction<Release> factory);

    void deleteRelease(AppId id, int number);

    /**
     * A deploy's first writes: creates the app if absent and stores its next release, whose factory gets the
     * app's spec and the release's number. A store that can does both in one transaction (one round trip, and
     * never an app without its first release). For an app known to exist, {@link #addRelease} costs less.
     */
    default Release addReleaseCreatingApp(AppId id, BiFunction<AppSpec, Integer, Release> factory) {
        AppSpec spec = createApp(id);
        return addRelease(id, n -> factory.apply(spec, n));
    }
}
