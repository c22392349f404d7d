package dev.skep.deploy;

import dev.skep.deploy.release.AppLocks;
import dev.skep.deploy.release.CrashLoopWatch;
import dev.skep.deploy.release.ReleaseFailures;
import dev.skep.deploy.release.Rollout;
import dev.skep.model.AppCatalog;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import dev.skep.model.SkepException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole deploy: intake and build (the {@link SlugBuilder}), a new numbered release, then the
 * {@link Rollout}. Deploys of one app are serialised; different apps deploy in parallel.
 */
public final class Deployer {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    private final AppCatalog state;
    private final SlugBuilder builder;
    private final Rollout rollout;
    private final EventSink events;
    private final Clock clock;
    private final int releasesKept;
    private final BuildLogs buildLogs;
    private final CrashLoopWatch crashLoops;
    private final AppLocks locks;
    /** What else goes with an app (its git repository ...), called inside {@link #delete} under the app's lock. */
    private final List<Consumer<AppId>> alsoDeleted;
    private final LaunchAhead launchAhead;
    private final AppQuota quota;
    /** The deploy output's stage for the release phase's lines. */
    public static final String RELEASE_PHASE = "release";

    /**
     * @param releasesKept releases kept per app (older ones and their slugs are deleted after a deploy)
     * @param crashLoops   told of every release that goes live
     * @param locks        the apps' locks, which the crash-loop rollback and the API's commands hold too
     * @param alsoDeleted  what else goes with an app (its git repository ...): called inside {@link #delete}, under
     *                     the app's lock, so none may wait for anything that holds that lock
     * @param launchAhead  told of each built app before its release is stored, to ready its launch meanwhile
     * @param quota        how many apps a user may own: a first deploy past it is refused before its build
     */
    public Deployer(AppCatalog state, SlugBuilder builder, Rollout rollout, EventSink events, Clock clock,
                    int releasesKept, BuildLogs buildLogs, CrashLoopWatch crashLoops, AppLocks locks,
                    List<Consumer<AppId>> alsoDeleted, LaunchAhead launchAhead, AppQuota quota) {
        this.quota = quota;
        this.launchAhead = launchAhead;
        this.locks = locks;
        this.alsoDeleted = List.copyOf(alsoDeleted);
        this.buildLogs = buildLogs;
        this.crashLoops = crashLoops;
        this.state = state;
        this.builder = builder;
        this.rollout = rollout;
        this.events = events;
        this.clock = clock;
        this.releasesKept = releasesKept;
    }

    /** What a deploy produced. */
    public record Outcome(Release release, BuiltSlug slug, List<InstanceStatus> instances, Duration took) {
    }

    /**
     * Makes an app the caller found does not exist, unless its owner is at the quota (403); see
     * {@link AppQuota#create}.
     */
    public <T> T createWithinQuota(AppId app, Supplier<T> make) {
        return quota.create(app, make);
    }

    public Outcome deploy(AppId app, InputStream upload, String by, DeployListener listener) {
        return exclusively(app, () -> deployLocked(app, upload, by, listener));
    }

    private Outcome deployLocked(AppId app, InputStream upload, String by, DeployListener client) {
        try (BuildLogs.Recording recording = buildLogs.start(app)) {
            try {
                return deployLocked(app, upload, by, recording.tee(client), recording);
            } catch (RuntimeException e) {
                recording.write("error", e.getMessage());
                throw e;
            }
        }
    }

    private Outcome deployLocked(AppId app, InputStream upload, String by, DeployListener listener,
                                 BuildLogs.Recording recording) {
        Instant start = clock.instant();
        Optional<AppSpec> existing = state.app(app);
        if (existing.isEmpty()) {
            quota.requireRoomFor(app); // before the build: a refused app costs no build
        }
        int previous = existing.map(AppSpec::release).orElse(0);
        // the build sees the app's config vars, as the release will
        Map<String, String> config = existing.map(AppSpec::env).orElse(Map.of());
        log.info("event=deploy.started app={} by={} previous={}", app, by, previous);
        events.emit(new Event(start, EventTypes.DEPLOY_STARTED, app, null, null, null, "deploy by " + by, Map.of()));
        BuiltSlug slug;
        try {
            slug = builder.build(app, upload, config, listener);
        } catch (RuntimeException e) {
            events.emit(new Event(clock.instant(), EventTypes.DEPLOY_FAILED, app, null, null, null,
                    "build failed: " + e.getMessage(), Map.of()));
            throw e;
        }
        // the build passed: the app's disk is mounted while the release is stored and rolled out, not after the
        // assignment (a first deploy waited 35-100 ms for it). Not before the build: a refused upload leaves nothing
        // behind (a store failing below leaves a disk of no app, which the agent's disk watch removes within 10 s)
        launchAhead.ready(app);
        Instant storing = clock.instant();
        BiFunction<AppSpec, Integer, Release> newRelease = (spec, n) -> new Release(app, n, slug.sha256(), slug.slug(),
                slug.command(), spec.env(), clock.instant(), by, "deploy", slug.processes().others(),
                slug.processes().release(), slug.build().node(), slug.build().npm());
        // a first deploy creates the app with its release, without a read first; a redeploy reads the spec again
        // (another controller may have changed its env during the build) and adds its release
        Optional<AppSpec> now = existing.isEmpty() ? existing : state.app(app);
        Release release = now.isPresent() ? state.addRelease(app, n -> newRelease.apply(now.get(), n))
                : quota.create(app, () -> state.addReleaseCreatingApp(app, newRelease)); // (again, if another
                // controller deleted it meanwhile); the quota again: other first deploys of the user built meanwhile
        log.info("event=release.stored app={} release={} took_ms={}", app, release.number(),
                Duration.between(storing, clock.instant()).toMillis());
        recording.released(release.number(), slug.build().took().toMillis(), slug.uploadBytes(), slug.appDir());
        // what the app served when its release was stored (this process's changes of it wait for the app's lock)
        List<InstanceStatus> ready = activate(app, release, listener, now.map(AppSpec::release).orElse(0));
        Duration took = Duration.between(start, clock.instant());
        recording.write("released", "release " + release.number() + " released in " + took.toMillis() + " ms");
        log.info("event=deploy.succeeded app={} release={} node={} took_ms={}", app, release.number(), release.node(),
                took.toMillis());
        return new Outcome(release, slug, ready, took);
    }

    /**
     * skep is stopping: deploys waiting on their rollouts are answered now (see {@link Rollout#stopWaiting()}), so
     * the API can close without cutting them off.
     */
    public void stopWaiting() {
        rollout.stopWaiting();
    }

    /**
     * Rolls out a release and waits until it is released (ready, then through its probation). If it fails, the
     * old release serves and the failed one is kept, marked failed, so its number is never handed out again.
     */
    public List<InstanceStatus> activate(AppId app, Release release, DeployListener listener) {
        return activate(app, release, listener, state.app(app).map(AppSpec::release).orElse(0));
    }

    /** @param previous the release the app serves now (0: none), read by the caller under the app's lock */
    private List<InstanceStatus> activate(AppId app, Release release, DeployListener listener, int previous) {
        releasePhase(app, release, listener);
        listener.stage("starting", "release " + release.number() + ": " + describe(release)
                + (release.node() == null ? "" : " (Node " + release.node()
                        + (release.npm() == null ? "" : ", npm " + release.npm()) + ")"));
        List<InstanceStatus> ready = rollout.activate(release,
                (serving, probation) -> listener.serving(release, serving, probation));
        crashLoops.watch(app, release.number(), previous);
        events.emit(new Event(clock.instant(), EventTypes.DEPLOY_SUCCEEDED, app, release.number(), null, null,
                "release " + release.number() + " is live (" + release.note() + ")", Map.of()));
        // old releases and slugs go after the answer: the caller does not wait for housekeeping
        Thread.ofVirtual().name("prune-" + app).start(() -> exclusively(app, () -> {
            prune(app, release.number());
            return null;
        }));
        return ready;
    }

    /**
     * Runs the release's release phase, if it has one, before any instance of it starts: on every activation (a
     * deploy, a config change, a rollback), as Heroku does on every new release; never on scale or restart, which
     * start instances of the release already live. Its output is the deploy's. If it fails the release is marked
     * failed and never started: the serving release is untouched.
     */
    private void releasePhase(AppId app, Release release, DeployListener listener) {
        if (release.releasePhase().isEmpty()) {
            return;
        }
        String command = String.join(" ", release.releasePhase());
        listener.stage(RELEASE_PHASE, "release " + release.number() + ": running release phase: " + command);
        log.info("event=release-phase.started app={} release={} command=\"{}\"", app, release.number(), command);
        List<String> lastLines = Collections.synchronizedList(new ArrayList<>());
        Instant started = clock.instant();
        try {
            builder.runReleasePhase(release, line -> {
                synchronized (lastLines) {
                    lastLines.add(line);
                    if (lastLines.size() > 20) {
                        lastLines.remove(0);
                    }
                }
                listener.stage(RELEASE_PHASE, line);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw releasePhaseFailed(app, release, new SkepException(
                    SkepException.Kind.FAILED, "the release phase was interrupted", null), lastLines);
        } catch (RuntimeException e) {
            throw releasePhaseFailed(app, release, e, lastLines);
        }
        log.info("event=release-phase.succeeded app={} release={} took_ms={}", app, release.number(),
                Duration.between(started, clock.instant()).toMillis());
        listener.stage(RELEASE_PHASE, "release phase done");
    }

    private RuntimeException releasePhaseFailed(AppId app, Release release, RuntimeException e, List<String> lines) {
        int serving = state.app(app).map(AppSpec::release).orElse(0);
        List<String> last = List.copyOf(lines);
        log.warn("event=release.failed app={} release={} phase=release reason=\"{}\" kept={}", app, release.number(),
                e.getMessage(), serving);
        rollout.failures().record(app, release.number(),
                new ReleaseFailures.Failure("release phase failed: " + e.getMessage(), last, clock.instant().toString()));
        events.emit(new Event(clock.instant(), EventTypes.DEPLOY_FAILED, app, release.number(), null, null,
                "release phase failed: " + e.getMessage(), Map.of("previous", String.valueOf(serving),
                "phase", "release")));
        if (e instanceof SkepException se) {
            String kept = serving > 0 ? "release " + serving + " keeps serving" : "nothing was running before";
            return new SkepException(se.kind(), "release " + release.number() + " of " + app + ": "
                    + se.getMessage(), se.detail() == null ? kept : kept + "; " + se.detail(), se);
        }
        return e;
    }

    /** "web: node server.js; worker: node worker.js". */
    private static String describe(Release release) {
        StringBuilder out = new StringBuilder();
        for (String type : release.types()) {
            out.append(out.isEmpty() ? "" : "; ").append(type).append(": ")
                    .append(String.join(" ", release.commandOf(type)));
        }
        return out.toString();
    }

    /** Each deploy's output, kept per release. */
    public BuildLogs buildLogs() {
        return buildLogs;
    }

    /** Which of the app's releases failed, and why. */
    public Map<Integer, ReleaseFailures.Failure> failures(AppId app) {
        return rollout.failures().of(app);
    }

    /** Serialises changes of one app (deploys, env changes, rollbacks) against each other. */
    public <T> T exclusively(AppId app, Supplier<T> work) {
        return locks.exclusively(app, work);
    }

    /** Deletes the app with its releases and slugs, waiting for any deploy of it in flight. */
    public void delete(AppId app) {
        exclusively(app, () -> {
            state.deleteApp(app);
            // before the API answers: nothing of the app's uid (stray background processes) outlives it
            builder.killProcessesOf(app);
            try {
                builder.store().prune(app, Set.of());
                builder.forget(app);
                buildLogs.delete(app);
                alsoDeleted.forEach(forget -> forget.accept(app));
            } catch (IOException e) {
                log.warn("event=prune.failed app={} error=\"{}\"", app, e.getMessage());
            }
            return null;
        });
    }

    private void prune(AppId app, int current) {
        try {
            for (Release old : Rollout.prunable(state.releases(app), current, releasesKept)) {
                state.deleteRelease(app, old.number());
            }
            Set<String> live = new HashSet<>();
            Set<Integer> kept = new HashSet<>();
            state.releases(app).forEach(r -> {
                live.add(r.slug());
                kept.add(r.number());
            });
            buildLogs.prune(app, kept);
            builder.store().prune(app, live);
        } catch (RuntimeException | IOException e) {
            log.warn("event=prune.failed app={} error=\"{}\"", app, e.getMessage());
        }
    }
}
