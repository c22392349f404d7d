package dev.skep.deploy.release;

import static dev.skep.deploy.release.CrashRollbackTest.SHOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.skep.deploy.release.CrashRollbackTest.MemoryDocuments;
import dev.skep.deploy.release.CrashRollbackTest.MemoryState;
import dev.skep.model.AppSpec;
import dev.skep.model.Event;
import dev.skep.model.RolloutOwners;
import dev.skep.model.SkepException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A release none of whose instances gets ready in time fails, saying how many were ready; when the state was cut off
 * from ZooKeeper meanwhile, it also says that the instances' own reasons (a FAILED status saying why) may not have
 * reached it (seen on a full disk: the status write failed with ZooKeeper's log, and the deploy said only "not
 * ready within 65 s").
 */
class RolloutTimeoutTest {

    final MemoryState state = new MemoryState();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final Rollout rollout = new Rollout(state, RolloutOwners.none(), events::add, Clock.systemUTC(),
            Duration.ofMillis(300), new CrashRollbackTest.Lines(),
            new ProbationSettings(new MemoryDocuments(), Duration.ZERO), new ReleaseFailures(new MemoryDocuments()));

    RolloutTimeoutTest() {
        Instant now = Instant.now();
        state.apps.put(SHOP, AppSpec.create(SHOP, now).withRelease(1, now));
        state.releases.put(1, CrashRollbackTest.release(1));
        state.releases.put(2, CrashRollbackTest.release(2));
    }

    @Test
    void aReleaseNeverReadySaysHowManyWere() {
        SkepException failed = catchThrowableOfType(SkepException.class,
                () -> rollout.activate(SHOP, 2, Rollout.Progress.none()));
        assertThat(failed.getMessage()).contains("not ready within 0 s (0 of 1 instances ready)");
        assertThat(state.app(SHOP).orElseThrow().release()).as("the old release serves").isEqualTo(1);
    }

    @Test
    void aReleaseNeverReadyWhileTheStateWasCutOffSaysItsReasonsMayNotHaveArrived() {
        state.reachable = false;
        SkepException failed = catchThrowableOfType(SkepException.class,
                () -> rollout.activate(SHOP, 2, Rollout.Progress.none()));
        assertThat(failed.getMessage()).contains("(0 of 1 instances ready; the cluster state (ZooKeeper) was "
                + "unreachable during the wait, so why may not have reached it");
    }
}
