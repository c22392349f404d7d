package dev.skep.deploy.release;

import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.ChangeFeed;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.InstanceStatuses;
import dev.skep.model.LogSource;
import dev.skep.model.Release;
import dev.skep.model.RolloutOwners;
import dev.skep.model.RouteEpochs;
import dev.skep.model.SkepException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a release the one that runs, and waits until it serves. The scheduler starts the new instances beside
 * the old ones; once the new are ready the release is switched to and the routers send it the traffic. Then its
 * probation: the old instances stay up, warm and standing by in the routers, until the window passes. If a new
 * instance exits or fails its health check inside the window, the old release is switched back at once and the
 * new one is marked failed. A release that never gets ready is dropped the same way. Either way the old release
 * keeps serving and the caller hears why, with the instance's last log lines.
 */
public final class Rollout {

    private static final Logger log = LoggerFactory.getLogger(Rollout.class);

    private final AppCatalog catalog;
    private final InstanceStatuses statuses;
    private final RouteEpochs routeEpochs;
    private final ChangeFeed changeFeed;
    private final Clock clock;
    private final Duration timeout;
    private final ProbationSettings probation;
    private final RolloutOwners owners;
    private final FailedRollouts onFailure;
    private final EventSink events;

    /** How long a rollout waits, once its release is ready, for the old one to leave the routers. */
    static final Duration SWITCH_WAIT = Duration.ofSeconds(5);
    static final Duration ROUTERS_WAIT = Duration.ofSeconds(2);
    /** A re-check without any change notice, in case one was missed. */
    private static final long POLL = 100;
    /** Set once skep stops: waiting rollouts end within a poll, so their requests are answered before the API closes. */
    private volatile boolean stopping;

    /** Hears when the release serves, before its probation (if any) is over. */
    @FunctionalInterface
    public interface Progress {
        /** The routers send the release its traffic; it is watched for {@code probation} more (zero: it is released). */
        void serving(List<InstanceStatus> ready, Duration probation);

        static Progress none() {
            return (ready, probation) -> { };
        }
    }

    /**
     * @param owners    where this controller claims each rollout it runs, so that no other one takes it for
     *                  abandoned ({@link RolloutOwners#none()} where one controller runs them all)
     * @param logs      where a failed release's last log lines come from, for the deploy's answer
     * @param probation each app's probation window
     * @param failures  where failed releases are marked
     */
    public <S extends AppCatalog & InstanceStatuses & RouteEpochs & ChangeFeed> Rollout(
            S state, RolloutOwners owners, EventSink events, Clock clock, Duration timeout, LogSource logs,
            ProbationSettings probation, ReleaseFailures failures) {
        this.catalog = state;
        this.statuses = state;
        this.routeEpochs = state;
        this.changeFeed = state;
        this.owners = Objects.requireNonNull(owners, "owners");
        this.clock = clock;
        this.timeout = timeout;
        this.probation = probation;
        this.onFailure = new FailedRollouts(state, events, clock, logs, failures);
        this.events = events;
    }

    public ReleaseFailures failures() {
        return onFailure.failures();
    }

    /** The last lines one instance wrote (its own lines from the app's log), never more than 20. */
    public List<String> lastLines(AppId app, String instance) {
        return onFailure.lastLines(app, instance);
    }

    /**
     * Activates {@code release}; returns its ready instances once it is released (ready, then through its
     * probation), or throws with the reason and the old release serving.
     */
    public List<InstanceStatus> activate(AppId app, int release, Progress progress) {
        return activate(app, release, null, progress);
    }

    /** {@link #activate(AppId, int, Progress)} of a release the caller holds: it is not read again. */
    public List<InstanceStatus> activate(Release release, Progress progress) {
        return activate(release.app(), release.number(), release, progress);
    }

    private List<InstanceStatus> activate(AppId app, int release, Release known, Progress progress) {
        Instant start = clock.instant();
        AutoCloseable claim = owners.claim(app); // before the candidate is set: a claimless candidate is abandoned
        try {
            return claimed(app, release, known, progress, start);
        } finally {
            try {
                claim.close();
            } catch (Exception e) {
                log.warn("event=rollout.claim-not-released app={} release={} error=\"{}\" effect=\"it goes with this "
                        + "controller's session\"", app, release, e.toString());
            }
        }
    }

    private List<InstanceStatus> claimed(AppId app, int release, Release known, Progress progress, Instant start) {
        // with a probation the old release stays from the start: the scheduler would retire it once the candidate
        // is ready, before the switch, and there would be nothing to go back to. The spec is read once, by the
        // update that sets the candidate (a round trip less on every deploy)
        Duration appWindow = probation.of(app);
        int[] found = new int[1];
        AppSpec wanted = catalog.updateApp(app, spec -> {
            found[0] = spec.release();
            int warmNow = spec.release() == release || appWindow.isZero() ? 0 : spec.release();
            return spec.withCandidate(release, clock.instant()).withRunning(true, clock.instant())
                    .withWarm(warmNow, clock.instant());
        });
        int previous = found[0];
        Duration window = previous == release ? Duration.ZERO : appWindow;
        int warm = window.isZero() ? 0 : previous;
        Optional<Release> theRelease = known != null ? Optional.of(known) : catalog.release(app, release);
        int needed = Math.max(1, theRelease.map(r -> r.types().stream().mapToInt(wanted::count).sum())
                .orElse(wanted.instances())); // every process type's instances: a worker that never runs fails it
        log.info("event=rollout.started app={} release={} previous={} instances={} took_ms={}", app, release, previous,
                needed, Duration.between(start, clock.instant()).toMillis());
        Instant deadline = clock.instant().plus(timeout);
        Changes changes = new Changes();
        boolean cutOff = false; // the state was unreachable at some point of the wait
        try (AutoCloseable subscription = changeFeed.onChange(changes::changed)) {
            while (true) {
                long seen = changes.count();
                cutOff |= !changeFeed.reachable();
                // from the state, not the watch-fed view: the instance's READY is this process's own write in one-host
                // skep, which a read sees at once and the view a watch event and a read later, on every deploy's way
                List<InstanceStatus> all = statuses.instances(app);
                List<InstanceStatus> mine = all.stream().filter(i -> i.release() == release).toList();
                List<InstanceStatus> ready = mine.stream().filter(InstanceStatus::ready).toList();
                if (ready.size() >= needed) {
                    boolean othersBefore = all.size() > mine.size(); // instances of another release, before the switch
                    return serve(app, release, previous, warm, window, ready, progress, changes, othersBefore);
                }
                InstanceStatus failed = mine.stream().filter(Rollout::gaveUp).findFirst().orElse(null);
                if (failed != null) {
                    throw onFailure.notStarted(app, release, previous, FailedRollouts.describe(failed),
                            onFailure.linesOf(app, failed.instance()));
                }
                if (clock.instant().isAfter(deadline)) {
                    // while cut off, an instance's status (FAILED, saying why) may never have reached the state
                    throw onFailure.notStarted(app, release, previous, "not ready within " + timeout.toSeconds()
                            + " s (" + ready.size() + " of " + needed + " instances ready" + (cutOff
                            ? "; the cluster state (ZooKeeper) was unreachable during the wait, so why may not have"
                            + " reached it: see skep logs and the server's log" : "") + ")",
                            mine.isEmpty() ? List.of() : onFailure.linesOf(app, mine.get(0).instance()));
                }
                if (stopping) { // as a restart would find it: a rollout in flight dies with skep
                    throw onFailure.notStarted(app, release, previous, "skep stopped during the rollout; deploy "
                            + "again once it is back", List.of());
                }
                changes.awaitAfter(seen, POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw onFailure.notStarted(app, release, previous, "interrupted", List.of());
        } catch (SkepException e) {
            throw e;
        } catch (Exception e) {
            throw onFailure.notStarted(app, release, previous, e.toString(), List.of());
        }
    }

    /**
     * The release is ready: switch to it (keeping the previous one warm for the probation), tell the caller it
     * serves, watch it through the window, then let the previous one go.
     */
    private List<InstanceStatus> serve(AppId app, int release, int previous, int warm, Duration window,
                                       List<InstanceStatus> ready, Progress progress, Changes changes,
                                       boolean othersBefore) throws InterruptedException {
        // the switch carries its route epoch in the same write: the routers' wait below needs no marker of its own
        AppCatalog.Marked switched = catalog.updateAppMarkingRoutes(app, spec -> spec.candidate() == release
                ? spec.withRelease(release, clock.instant()).withWarm(warm, clock.instant()) : spec);
        if (switched.spec().release() != release) {
            return ready; // another rollout replaced this one meanwhile: it decides
        }
        try {
            return switchedTo(app, release, previous, warm, window, ready, progress, changes, othersBefore,
                    switched.routeEpoch());
        } catch (InterruptedException e) { // the release serves: an unfinished wait must not mark it failed
            Thread.currentThread().interrupt();
            throw probationCut(app, release, previous, "the deploy was interrupted");
        }
    }

    /** After the switch: the routers' catch-up, then the probation watch, if any. */
    private List<InstanceStatus> switchedTo(AppId app, int release, int previous, int warm, Duration window,
                                            List<InstanceStatus> ready, Progress progress, Changes changes,
                                            boolean othersBefore, long switchEpoch) throws InterruptedException {
        if (window.isZero()) {
            awaitSwitch(app, release, changes, switchEpoch, othersBefore);
            progress.serving(ready, Duration.ZERO);
            return ready;
        }
        awaitRouters(app, release, changes, switchEpoch);
        log.info("event=release.probation app={} release={} seconds={} instances={} warm={}", app, release,
                window.toSeconds(), ready.size(), warm);
        progress.serving(ready, window);
        Set<String> watched = ready.stream().map(InstanceStatus::instance).collect(Collectors.toSet());
        try {
            watch(app, release, previous, watched, window, changes);
        } finally {
            letWarmGo(app, warm);
        }
        log.info("event=release.released app={} release={} probation_s={}", app, release, window.toSeconds());
        if (warm > 0) {
            awaitOldOut(app, release, changes);
        }
        List<InstanceStatus> now = statuses.instances(app).stream()
                .filter(i -> i.release() == release && i.ready()).toList();
        return now.isEmpty() ? ready : now;
    }

    /**
     * Watches the release through its probation window; throws (after switching back) when one of its instances
     * lets it down. A change by someone else (a stop, a rollback) ends the watch: that change decides.
     */
    private void watch(AppId app, int release, int previous, Set<String> watched, Duration window, Changes changes)
            throws InterruptedException {
        Instant end = clock.instant().plus(window);
        while (true) {
            long seen = changes.count();
            AppSpec spec;
            Optional<ProbationCheck.Failure> failure;
            try {
                // an app that looks changed is read again from the state: the view may not have this rollout's own
                // switch yet, which would look like someone else's change
                spec = catalog.appSeen(app).filter(known -> known.release() == release && known.running())
                        .or(() -> catalog.app(app)).orElse(null);
                failure = ProbationCheck.failure(watched, statuses.instancesSeen(app));
            } catch (RuntimeException e) { // a state read failed: the release is live, look again
                log.warn("event=release.probation-read-failed app={} release={} error=\"{}\" effect=\"checked again "
                        + "in {} ms\"", app, release, e.getMessage(), POLL);
                if (stopping) {
                    throw probationCut(app, release, previous, "skep is stopping");
                }
                changes.awaitAfter(seen, POLL);
                if (clock.instant().isAfter(end)) {
                    return;
                }
                continue;
            }
            if (spec == null || spec.release() != release || !spec.running()) {
                log.info("event=release.probation-ended app={} release={} reason=\"the app was changed meanwhile\"",
                        app, release);
                return;
            }
            if (failure.isPresent()) {
                throw onFailure.failedInProbation(app, release, previous, failure.get().why(),
                        failure.get().instance());
            }
            if (stopping) {
                throw probationCut(app, release, previous, "skep is stopping");
            }
            long left = Duration.between(clock.instant(), end).toMillis();
            if (left <= 0) {
                return;
            }
            changes.awaitAfter(seen, Math.min(POLL, left));
        }
    }

    /**
     * The probation watch ended before its window did: the release serves and is not marked failed, but it was not
     * watched to the end, and the caller hears so rather than "released".
     */
    private ProbationCut probationCut(AppId app, int release, int previous, String why) {
        log.warn("event=release.probation-cut app={} release={} reason=\"{}\" effect=\"it serves; its probation "
                + "was not finished\"", app, release, why);
        // the deploy's outcome for the event stream, which has its deploy.started: the release is live, not failed
        events.emit(new Event(clock.instant(), EventTypes.DEPLOY_SUCCEEDED, app, release, null, null, "release "
                + release + " is live: its probation was cut short (" + why + ")", Map.of()));
        return new ProbationCut(release, "release " + release + " of " + app + " serves, but "
                + "its probation was cut short (" + why + ")", "watch it with `skep ps " + app + "`"
                + (previous > 0 ? "; if it misbehaves, `skep rollback " + app + " " + previous + "`" : ""));
    }

    /**
     * skep is stopping: every rollout still waiting ends within a poll (one before its switch fails as a restart
     * would find it; one in probation keeps serving), so the API's requests are answered before it closes.
     */
    public void stopWaiting() {
        stopping = true;
    }

    /** The probation is over (passed or not): the release kept warm is no longer needed as such. */
    private void letWarmGo(AppId app, int warm) {
        if (warm == 0) {
            return;
        }
        try {
            catalog.updateApp(app, spec -> spec.warm() == warm ? spec.withWarm(0, clock.instant()) : spec);
        } catch (RuntimeException e) {
            log.error("event=release.warm-not-released app={} warm={} error=\"{}\" effect=\"its instances keep "
                    + "running\" fix=\"deploy again or restart the app\"", app, warm, e.getMessage());
        }
    }

    /**
     * After the switch: waits until no instance of another release is ready (they are stopping and out of
     * the routers' tables), then until every router reports routing by that state. So the caller's next
     * request reaches the new release. Bounded: a slow agent or a lagging router is logged, not waited for.
     * Once the release is live, a failed wait must not report it failed: it is logged.
     */
    private void awaitSwitch(AppId app, int release, Changes changes, long switchEpoch, boolean othersBefore)
            throws InterruptedException {
        awaitOldOut(app, release, changes);
        // with no other release's instance in the state before the switch, the switch's own epoch is a state without
        // them; else they leave the routers' tables after it, and the wait is for an epoch marked once they left
        awaitRouters(app, release, changes, othersBefore ? 0 : switchEpoch);
    }

    private void awaitOldOut(AppId app, int release, Changes changes) throws InterruptedException {
        try {
            boolean oldOut = waitUntil(() -> statuses.instances(app).stream()
                    .noneMatch(i -> i.release() != release && i.ready()), clock.instant().plus(SWITCH_WAIT), changes);
            if (!oldOut) {
                log.warn("event=rollout.old-still-ready app={} release={} waited_ms={} effect=\"the old release may "
                        + "answer a little longer; its instances stop when their agent gets to them\"",
                        app, release, SWITCH_WAIT.toMillis());
            }
        } catch (RuntimeException e) {
            log.warn("event=rollout.switch-wait-failed app={} release={} error=\"{}\" effect=\"the routers follow on "
                    + "their own\"", app, release, e.getMessage());
        }
    }

    /**
     * Waits until every router routes by a state at least as new as {@code marked} (0: a route epoch marked now):
     * with the release switched to, they send it the requests (other ready instances only stand by).
     */
    private void awaitRouters(AppId app, int release, Changes changes, long marked) throws InterruptedException {
        try {
            long epoch = marked > 0 ? marked : routeEpochs.markRouteEpoch();
            Set<String> behind = new TreeSet<>();
            boolean caughtUp = waitUntil(() -> { // a router's report is a change: it wakes the wait
                behind.clear();
                routeEpochs.routesApplied().forEach((router, applied) -> {
                    if (applied < epoch) {
                        behind.add(router);
                    }
                });
                return behind.isEmpty();
            }, clock.instant().plus(ROUTERS_WAIT), changes);
            if (!caughtUp) {
                log.warn("event=rollout.routers-behind app={} release={} epoch={} routers={} effect=\"they route by "
                        + "an older state a little longer\" check=\"their connection to ZooKeeper\"", app, release,
                        epoch, behind);
            }
        } catch (RuntimeException e) {
            log.warn("event=rollout.switch-wait-failed app={} release={} error=\"{}\" effect=\"the routers follow on "
                    + "their own\"", app, release, e.getMessage());
        }
    }

    private boolean waitUntil(BooleanSupplier done, Instant deadline, Changes changes)
            throws InterruptedException {
        while (true) {
            long seen = changes.count();
            if (done.getAsBoolean()) {
                return true;
            }
            if (clock.instant().isAfter(deadline)) {
                return false;
            }
            changes.awaitAfter(seen, POLL);
        }
    }

    /**
     * Counts state changes. A waiter notes the count before it reads the state and sleeps only if no change came
     * since: a change that lands while it reads (ZooKeeper reads take milliseconds) is not slept through.
     */
    private static final class Changes {
        private long count;

        synchronized void changed() {
            count++;
            notifyAll();
        }

        synchronized long count() {
            return count;
        }

        synchronized void awaitAfter(long seen, long maxMillis) throws InterruptedException {
            if (count == seen) {
                wait(maxMillis);
            }
        }
    }

    private static boolean gaveUp(InstanceStatus status) {
        return status.state() == InstanceState.FAILED || status.state() == InstanceState.CRASH_LOOP;
    }

    /** Releases to keep on disk: the newest {@code keep} plus the current one. */
    public static List<Release> prunable(List<Release> newestFirst, int current, int keep) {
        return newestFirst.stream().skip(keep).filter(r -> r.number() != current).toList();
    }
}
