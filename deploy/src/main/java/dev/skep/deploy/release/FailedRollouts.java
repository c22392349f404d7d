package dev.skep.deploy.release;

import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceStatus;
import dev.skep.model.LogSource;
import dev.skep.model.SkepException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a rollout fails, apart from deciding that it did ({@link Rollout}'s job): the old release is put
 * back in the state (the candidate dropped, or the switch undone in probation), the new one is marked failed (its
 * number is never handed out again) and evented, and the caller's answer says why, what keeps serving and what the
 * instance wrote last.
 */
final class FailedRollouts {

    private static final Logger log = LoggerFactory.getLogger(FailedRollouts.class);

    private final AppCatalog catalog;
    private final EventSink events;
    private final Clock clock;
    private final LogSource logs;
    private final ReleaseFailures failures;

    FailedRollouts(AppCatalog catalog, EventSink events, Clock clock, LogSource logs, ReleaseFailures failures) {
        this.catalog = catalog;
        this.events = events;
        this.clock = clock;
        this.logs = logs;
        this.failures = failures;
    }

    ReleaseFailures failures() {
        return failures;
    }

    /**
     * A release that never got ready: the candidate is dropped (unless another rollout replaced it meanwhile).
     *
     * @param lines what its instance wrote ({@link #linesOf}): the answer shows the last 20
     */
    SkepException notStarted(AppId app, int release, int previous, String failure, List<String> lines) {
        // an app refused a port other than its PORT dies of it: the answer says so, not only "exited". Looked for
        // in all the lines: Nest's stack, Node's error dump and npm's notices pushed it out of the last 20 (and a
        // missing addon's error is followed by every path it tried)
        String why = PortRefusal.in(lines).or(() -> NativeAddonFailure.in(lines)).map(advice -> failure + "; " + advice)
                .orElse(failure);
        List<String> lastLines = last20(lines);
        try {
            catalog.updateApp(app, spec -> spec.candidate() == release
                    ? spec.withCandidate(0, clock.instant()).withWarm(0, clock.instant()) : spec);
        } catch (SkepException e) {
            log.error("event=rollout.restore-failed app={} release={} error={}", app, release, e.getMessage());
        }
        String kept = previous > 0 ? "release " + previous + " keeps serving" : "nothing was running before";
        log.warn("event=release.failed app={} release={} phase=start reason=\"{}\" kept={}", app, release, why,
                previous);
        failed(app, release, previous, "did not start: " + why, lastLines, "start");
        return answer(app, release, "did not start: " + why, kept, lastLines);
    }

    /**
     * A release failed in probation: the previous release is the app's again (the routers already send it the
     * traffic, since no instance of the failed one is ready), the failure is recorded, and the caller hears why.
     */
    SkepException failedInProbation(AppId app, int release, int previous, String why, String instance)
            throws InterruptedException {
        try {
            catalog.updateApp(app, spec -> spec.release() == release
                    ? spec.withRelease(previous, clock.instant()).withRunning(spec.running(), clock.instant()) : spec);
        } catch (SkepException e) {
            log.error("event=release.rollback-failed app={} release={} previous={} error=\"{}\" fix=\"skep rollback "
                    + "{} {}\"", app, release, previous, e.getMessage(), app, previous);
        }
        String kept = previous > 0 ? "traffic went back to release " + previous + ", which keeps serving"
                : "nothing was running before, so the app serves nothing";
        log.warn("event=release.failed app={} release={} phase=probation reason=\"{}\" kept={}", app, release, why,
                previous);
        List<String> lastLines = settledLastLines(app, instance);
        failed(app, release, previous, "failed in probation: " + why, lastLines, "probation");
        return answer(app, release, "failed in probation: " + why, kept, lastLines);
    }

    private static SkepException answer(AppId app, int release, String what, String kept, List<String> lastLines) {
        String tail = lastLines.isEmpty() ? "" : "; its last log lines:\n" + String.join("\n", lastLines);
        return new SkepException(SkepException.Kind.UNPROCESSABLE, "release " + release + " of " + app + " " + what,
                kept + "; release " + release + " is marked failed; see `skep logs " + app + "`" + tail);
    }

    /** Marks a release failed (its number is never handed out again) and tells the event stream. */
    private void failed(AppId app, int release, int previous, String why, List<String> lastLines, String phase) {
        failures.record(app, release, new ReleaseFailures.Failure(why, lastLines, clock.instant().toString()));
        events.emit(new Event(clock.instant(), EventTypes.DEPLOY_FAILED, app, release, null, null, why,
                Map.of("previous", String.valueOf(previous), "phase", phase)));
    }

    /** "instance X crash-looping, exited with 1: message". */
    static String describe(InstanceStatus failed) {
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

    /**
     * The last lines of an instance that just died: what it wrote last (why it gave up) reaches the log a moment
     * after its exit is reported, so read until two reads agree, a second at most. Only on the failure path.
     */
    private List<String> settledLastLines(AppId app, String instance) throws InterruptedException {
        List<String> lines = lastLines(app, instance);
        Instant until = clock.instant().plusSeconds(1);
        while (clock.instant().isBefore(until)) {
            Thread.sleep(150);
            List<String> again = lastLines(app, instance);
            if (again.equals(lines) && !again.isEmpty()) {
                return again;
            }
            lines = again;
        }
        return lines;
    }

    /** The last lines one instance wrote (its own lines from the app's log), never more than 20. */
    List<String> lastLines(AppId app, String instance) {
        return last20(linesOf(app, instance));
    }

    /** All the lines one instance wrote among the app's last 200. */
    List<String> linesOf(AppId app, String instance) {
        try {
            return logs.tail(app, 200).stream().filter(line -> line.contains(" " + instance + " ")).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static List<String> last20(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 20), lines.size());
    }
}
