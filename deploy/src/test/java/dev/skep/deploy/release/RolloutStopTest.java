package dev.skep.deploy.release;

import static dev.skep.deploy.release.CrashRollbackTest.SHOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skep.deploy.release.CrashRollbackTest.MemoryDocuments;
import dev.skep.deploy.release.CrashRollbackTest.MemoryState;
import dev.skep.model.AppSpec;
import dev.skep.model.Event;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceState;
import dev.skep.model.RolloutOwners;
import dev.skep.model.SkepException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * skep stopping while deploys wait on their rollouts: each request gets its answer at once, before the API closes
 * (its graceful stop waited 2 s for them and then logged an error). A rollout before its switch fails as a restart
 * would find it, the old release serving; a release in its probation keeps serving and is not marked failed.
 */
class RolloutStopTest {

    final MemoryState state = new MemoryState();
    final ReleaseFailures failures = new ReleaseFailures(new MemoryDocuments());
    final List<Event> events = new CopyOnWriteArrayList<>();
    final Rollout rollout = new Rollout(state, RolloutOwners.none(), events::add, Clock.systemUTC(),
            Duration.ofSeconds(60), new CrashRollbackTest.Lines(),
            new ProbationSettings(new MemoryDocuments(), Duration.ofSeconds(60)), failures);

    RolloutStopTest() {
        Instant now = Instant.now();
        state.apps.put(SHOP, AppSpec.create(SHOP, now).withRelease(1, now));
        state.releases.put(1, CrashRollbackTest.release(1));
        state.releases.put(2, CrashRollbackTest.release(2));
        state.putInstance(CrashRollbackTest.status("old", 1, InstanceState.READY));
    }

    private CompletableFuture<Void> activateTwo() {
        return CompletableFuture.runAsync(() -> rollout.activate(SHOP, 2, Rollout.Progress.none()));
    }

    private static SkepException failure(CompletableFuture<Void> deploy) throws Exception {
        try {
            deploy.get(5, TimeUnit.SECONDS); // not the 60 s of the start timeout or the probation
        } catch (ExecutionException e) {
            return (SkepException) e.getCause();
        }
        throw new AssertionError("the rollout ended without an error");
    }

    @Test
    void aRolloutWaitingForItsInstancesEndsAtOnceAndTheOldReleaseServes() throws Exception {
        var deploy = activateTwo();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.app(SHOP).orElseThrow().candidate() == 2);
        rollout.stopWaiting();
        SkepException failed = failure(deploy);
        assertThat(failed.getMessage()).contains("skep stopped during the rollout");
        assertThat(state.app(SHOP).orElseThrow().release()).isEqualTo(1);
        assertThat(state.app(SHOP).orElseThrow().candidate()).isZero();
    }

    @Test
    void aReleaseInItsProbationKeepsServingAndIsNotMarkedFailed() throws Exception {
        state.putInstance(CrashRollbackTest.status("new", 2, InstanceState.READY));
        var deploy = activateTwo();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.app(SHOP).orElseThrow().release() == 2);
        rollout.stopWaiting();
        SkepException cut = failure(deploy);
        assertThat(cut.kind()).isEqualTo(SkepException.Kind.UNAVAILABLE);
        // typed, so a git push takes the serving release as deployed
        assertThat(cut).isInstanceOfSatisfying(ProbationCut.class, c -> assertThat(c.release()).isEqualTo(2));
        assertThat(cut.getMessage()).contains("release 2 of alice/shop serves, but its probation was cut short (skep is stopping)");
        assertThat(cut.detail()).contains("skep rollback alice/shop 1");
        assertThat(state.app(SHOP).orElseThrow().release()).isEqualTo(2);
        assertThat(failures.of(SHOP)).isEmpty();
        // the event stream hears the deploy's outcome (it had only its deploy.started)
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventTypes.DEPLOY_SUCCEEDED);
            assertThat(e.release()).isEqualTo(2);
            assertThat(e.message()).isEqualTo("release 2 is live: its probation was cut short (skep is stopping)");
        });
    }
}
