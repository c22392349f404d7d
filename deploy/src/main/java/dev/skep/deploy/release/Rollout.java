package dev.skep.deploy.release;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.ClusterState;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a release the one that runs, and waits until its instances are ready. The scheduler
 * starts the new instances beside the old ones and retires the old ones only once the new are
 * ready; if the new release never gets ready, this puts the previous one back as desired, so it
 * keeps serving, and reports why.
 */
public final class Rollout {

    private static final Logger log = LoggerFactory.getLogger(Rollout.class);

    private final ClusterState state;
    private final EventSink events;
    private final Clock clock;
    private final Duration timeout;
    private final dev.skep.model.LogSource logs;

    /** How long a rollout waits, once its release is ready, for the old one to leave the routers. */
    static final Duration SWITCH_WAIT = Duration.ofSeconds(5);
    static final Duration ROUTERS_WAIT = Duration.ofSeconds(2);
    /** A re-check without any change notice, in case one was missed. */
    private static final long POLL = 100;

    /** @param logs where a failed release's last log lines come from, for the deploy's answer */
    public Rollout(ClusterState state, EventSink events, Clock clock, Duration timeout, dev.skep.model.LogSource logs) {
        this.state = state;
        this.events = events;
        this.clock = clock;
        this.timeout = timeout;
        this.logs = logs;
    }

    /** Activates {@code release}; returns its ready instances, or throws with the reason and the old release restored. */
    public List<InstanceStatus> activate(AppId app, int release) {
        AppSpec before = state.app(app).orElseThrow(() -> SkepException.notFound("no app " + app));
        int previous = before.release();
        AppSpec wanted = state.updateApp(app, spec -> spec.withCandidate(release, clock.instant())
                .withRunning(true, clock.instant()));
        int needed = Math.max(1, wanted.instances());
        Instant deadline = clock.instant().plus(timeout);
        Changes changes = new Changes();
        try (AutoCloseable subscription = state.onChange(changes::changed)) {
            while (true) {
                long seen = changes.count();
                List<InstanceStatus> mine = state.instances(app).stream().filter(i -> i.release() == release).toList();
                List<InstanceStatus> ready = mine.stream().filter(InstanceStatus::ready).toList();
                if (ready.size() >= needed) {
                    state.updateApp(app, spec -> spec.candidate() == release ? spec.withRelease(release, clock.instant())
                            : spec);
                    try {
                        awaitSwitch(app, release, changes);
                    } catch (RuntimeException e) { // the release is live: a failed wait must not report it failed
                        log.warn("event=rollout.switch-wait-failed app={} release={} error=\"{}\" effect=\"the "
                                + "routers follow on their own\"", app, release, e.getMessage());
                    }
                    return ready;
                }
                InstanceStatus failed = mine.stream().filter(Rollout::gaveUp).findFirst().orElse(null);
                if (failed != null) {
                    throw restore(app, release, previous, describe(failed), lastLines(app, failed.instance()));
                }
                if (clock.instant().isAfter(deadline)) {
                    throw restore(app, release, previous, "not ready within " + timeout.toSeconds() + " s ("
                            + ready.size() + " of " + needed + " instances ready)",
                            mine.isEmpty() ? List.of() : lastLines(app, mine.get(0).instance()));
                }
                changes.awaitAfter(seen, POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw restore(app, release, previous, "interrupted", List.of());
        } catch (SkepException e) {
            throw e;
        } catch (Exception e) {
            throw restore(app, release, previous, e.toString(), List.of());
        }
    }

    /**
     * After the switch: waits until no instance of another release is ready (they are stopping and out of
     * the routers' tables), then until every router reports routing by that state. So the caller's next
     * request reaches the new release. Bounded: a slow agent or a lagging router is logged, not waited for.
     */
    private void awaitSwitch(AppId app, int release, Changes changes) throws InterruptedException {
        Instant deadline = clock.instant().plus(SWITCH_WAIT);
        boolean oldOut = waitUntil(() -> state.instances(app).stream()
                .noneMatch(i -> i.release() != release && i.ready()), deadline, changes);
        if (!oldOut) {
            log.warn("event=rollout.old-still-ready app={} release={} waited_ms={} effect=\"the old release may "
                    + "answer a little longer; its instances stop when their agent gets to them\"",
                    app, release, SWITCH_WAIT.toMillis());
        }
        long epoch = state.markRouteEpoch();
        java.util.Set<String> behind = new java.util.TreeSet<>();
        boolean caughtUp = waitUntil(() -> { // a router's report is a change: it wakes the wait
            behind.clear();
            state.routesApplied().forEach((router, applied) -> {
                if (applied < epoch) {
                    behind.add(router);
                }
            });
            return behind.isEmpty();
        }, clock.instant().plus(ROUTERS_WAIT), changes);
        if (!caughtUp) {
            log.warn("event=rollout.routers-behind app={} release={} epoch={} routers={} effect=\"they route by an "
                    + "older state a little longer\" check=\"their connection to ZooKeeper\"", app, release, epoch,
                    behind);
        }
    }

    private boolean waitUntil(java.util.function.BooleanSupplier done, Instant deadline, Changes changes)
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

    private static String describe(InstanceStatus failed) {
        StringBuilder why = new StringBuilder("instance ").append(failed.instance()).append(' ')
                .append(failed.state().label());
        if (failed.lastExit() != null) {
            why.append(", exited with ").append(failed.lastExit());
        }
        if (failed.message() != null) {
            why.append(": ").append(failed.message());
        }
        return why.toString();
    }

    /** Drops the candidate (unless another rollout replaced it meanwhile): the serving release stays. */
    private SkepException restore(AppId app, int release, int previous, String why, List<String> lastLines) {
        try {
            state.updateApp(app, spec -> spec.candidate() == release ? spec.withCandidate(0, clock.instant()) : spec);
        } catch (SkepException e) {
            log.error("event=rollout.restore-failed app={} release={} error={}", app, release, e.getMessage());
        }
        String kept = previous > 0 ? "release " + previous + " keeps serving" : "nothing was running before";
        log.warn("event=rollout.failed app={} release={} reason=\"{}\" kept={}", app, release, why, previous);
        events.emit(new Event(clock.instant(), EventTypes.DEPLOY_FAILED, app, release, null, null, why,
                Map.of("previous", String.valueOf(previous))));
        String tail = lastLines.isEmpty() ? "" : "; its last log lines:\n" + String.join("\n", lastLines);
        return new SkepException(SkepException.Kind.UNPROCESSABLE,
                "release " + release + " of " + app + " did not start: " + why,
                kept + "; see `skep logs " + app + "`" + tail);
    }

    /** The last lines one instance wrote (its own lines from the app's log), never more than 20. */
    private List<String> lastLines(AppId app, String instance) {
        try {
            List<String> mine = logs.tail(app, 200).stream().filter(line -> line.contains(" " + instance + " ")).toList();
            return mine.subList(Math.max(0, mine.size() - 20), mine.size());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Releases to keep on disk: the newest {@code keep} plus the current one. */
    public static List<Release> prunable(List<Release> newestFirst, int current, int keep) {
        return newestFirst.stream().skip(keep).filter(r -> r.number() != current).toList();
    }
}
