package dev.skep.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppCatalog;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.ChangeFeed;
import dev.skep.model.Event;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.InstanceStatuses;
import dev.skep.model.LogSource;
import dev.skep.model.Release;
import dev.skep.model.RolloutOwners;
import dev.skep.model.RouteEpochs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The crash-loop watch and its rollback, built as the controller builds them (the watch first, no deployer): a
 * release that crash-loops inside its window is replaced by the one before it, marked failed with its last lines,
 * and evented; an app changed meanwhile is left alone.
 */
class CrashRollbackTest {

    static final AppId SHOP = new AppId("alice", "shop");
    static final String OLD = "alice.shop.1.aaaaaa";
    static final String BAD = "alice.shop.2.bbbbbb";

    final MemoryState state = new MemoryState();
    final MemoryDocuments documents = new MemoryDocuments();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final Clock clock = Clock.systemUTC();
    final Rollout rollout = new Rollout(state, RolloutOwners.none(), events::add, clock, Duration.ofSeconds(5),
            new Lines(), new ProbationSettings(documents, Duration.ZERO), new ReleaseFailures(documents));
    final CrashRollback rollback = new CrashRollback(state, rollout, new AppLocks(), events::add, clock);

    CrashRollbackTest() {
        Instant now = clock.instant();
        state.apps.put(SHOP, AppSpec.create(SHOP, now).withRelease(2, now));
        state.releases.put(1, release(1));
        state.releases.put(2, release(2));
        state.instances.put(OLD, status(OLD, 1, InstanceState.READY));
        state.instances.put(BAD, status(BAD, 2, InstanceState.CRASH_LOOP));
    }

    @Test
    void aReleaseThatCrashLoopsInsideItsWindowIsReplacedByTheOneBefore() throws Exception {
        CrashLoopWatch watch = new CrashLoopWatch(state, clock, Duration.ofMinutes(1), rollback);
        watch.watch(SHOP, 2, 1);

        watch.check(); // the rollback runs on a thread of its own

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (events.stream().noneMatch(e -> e.type().equals(EventTypes.RELEASE_ROLLED_BACK))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(state.app(SHOP).orElseThrow().release()).isEqualTo(1);
        assertThat(rollout.failures().of(SHOP)).containsOnlyKeys(2);
        assertThat(rollout.failures().of(SHOP).get(2).reason()).startsWith("crash-looped after going live: instance "
                + BAD + " crash-looped");
        assertThat(rollout.failures().of(SHOP).get(2).lastLines()).containsExactly("web " + BAD + " out of memory");
        assertThat(events).extracting(Event::type).contains(EventTypes.RELEASE_ROLLED_BACK);
    }

    @Test
    void theRollbackRestoresTheConfigVarsOfTheReleaseItGoesBackTo() throws Exception {
        // release 2 was a config change that crash-loops: its vars must not stay the app's, or the next deploy
        // (built with the app's env) would crash the same way
        Instant now = clock.instant();
        Map<String, String> good = Map.of("GREETING", "hello");
        Map<String, String> bad = Map.of("GREETING", "hello", "CRASH_AT", "1");
        state.releases.put(1, release(1).withEnv(1, good, now, "alice", "deploy"));
        state.releases.put(2, release(2).withEnv(2, bad, now, "alice", "env: set CRASH_AT"));
        state.apps.put(SHOP, state.apps.get(SHOP).withEnv(bad, now));

        rollback.from(SHOP, 2, 1, "instance " + BAD + " crash-looped", BAD);

        assertThat(state.app(SHOP).orElseThrow().release()).isEqualTo(1);
        assertThat(state.app(SHOP).orElseThrow().env()).isEqualTo(good);
    }

    @Test
    void anAppChangedMeanwhileIsLeftAlone() {
        Instant now = clock.instant();
        state.apps.put(SHOP, state.apps.get(SHOP).withRelease(1, now)); // someone rolled back already

        rollback.from(SHOP, 2, 1, "instance " + BAD + " crash-looped", BAD);

        assertThat(state.app(SHOP).orElseThrow().release()).isEqualTo(1);
        assertThat(rollout.failures().of(SHOP)).isEmpty();
        assertThat(events).isEmpty();
    }

    static Release release(int number) {
        return new Release(SHOP, number, "sha" + number, "alice.shop." + number, List.of("node", "server.js"),
                Map.of(), Instant.now(), "alice", "deploy");
    }

    static InstanceStatus status(String instance, int release, InstanceState state) {
        return new InstanceStatus(instance, SHOP, release, "agent-1", "127.0.0.1", 40_000 + release, 100 + release,
                state, Instant.now(), 0, null, null);
    }

    /** The app's log: one line per instance, as an agent writes it. */
    static final class Lines implements LogSource {
        @Override
        public List<String> tail(AppId app, int lines) {
            return List.of("web " + OLD + " listening", "web " + BAD + " out of memory");
        }

        @Override
        public AutoCloseable follow(AppId app, Consumer<String> line) {
            return () -> { };
        }
    }

    /** One app's spec, releases and instances in memory; every change is at once visible. */
    static final class MemoryState implements AppCatalog, InstanceStatuses, RouteEpochs, ChangeFeed {
        final Map<AppId, AppSpec> apps = new ConcurrentHashMap<>();
        final Map<Integer, Release> releases = new ConcurrentHashMap<>();
        final Map<String, InstanceStatus> instances = new ConcurrentHashMap<>();

        @Override
        public List<AppSpec> apps() {
            return List.copyOf(apps.values());
        }

        @Override
        public Optional<AppSpec> app(AppId id) {
            return Optional.ofNullable(apps.get(id));
        }

        @Override
        public AppSpec createApp(AppId id) {
            return apps.computeIfAbsent(id, a -> AppSpec.create(a, Instant.now()));
        }

        @Override
        public synchronized AppSpec updateApp(AppId id, UnaryOperator<AppSpec> change) {
            return apps.compute(id, (a, spec) -> change.apply(spec));
        }

        @Override
        public void deleteApp(AppId id) {
            apps.remove(id);
        }

        @Override
        public List<Release> releases(AppId id) {
            return releases.values().stream().filter(r -> r.app().equals(id)).toList();
        }

        @Override
        public Optional<Release> release(AppId id, int number) {
            return Optional.ofNullable(releases.get(number)).filter(r -> r.app().equals(id));
        }

        @Override
        public Release addRelease(AppId id, IntFunction<Release> factory) {
            Release release = factory.apply(releases.size() + 1);
            releases.put(release.number(), release);
            return release;
        }

        @Override
        public void deleteRelease(AppId id, int number) {
            releases.remove(number);
        }

        @Override
        public List<InstanceStatus> instances() {
            return List.copyOf(instances.values());
        }

        @Override
        public void putInstance(InstanceStatus status) {
            instances.put(status.instance(), status);
        }

        @Override
        public void removeInstance(String instance) {
            instances.remove(instance);
        }

        @Override
        public AutoCloseable onChange(Runnable listener) {
            return () -> { };
        }

        /** False: as a state cut off from ZooKeeper, whose reads are its last known state. */
        volatile boolean reachable = true;

        @Override
        public boolean reachable() {
            return reachable;
        }
    }

    /** Per-app documents in memory. */
    static final class MemoryDocuments implements AppDocuments {
        final Map<String, String> docs = new ConcurrentHashMap<>();

        @Override
        public Optional<String> get(AppId app, String name) {
            return Optional.ofNullable(docs.get(app + "/" + name));
        }

        @Override
        public void put(AppId app, String name, String json) {
            docs.put(app + "/" + name, json);
        }

        @Override
        public void delete(AppId app, String name) {
            docs.remove(app + "/" + name);
        }
    }
}
