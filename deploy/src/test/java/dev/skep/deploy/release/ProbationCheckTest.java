package dev.skep.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbationCheckTest {

    static final AppId SHOP = AppId.parse("alice/shop");
    static final Instant T = Instant.parse("2026-12-05T00:00:00Z");

    static InstanceStatus instance(String id, InstanceState state, String lastExit, String message) {
        return new InstanceStatus(id, SHOP, 2, "agent-1", "127.0.0.1", 5001, 42, state, T, 0, lastExit, message);
    }

    @Test
    void aReleaseWhoseWatchedInstancesAreAllReadyPasses() {
        assertThat(ProbationCheck.failure(Set.of("a", "b"), List.of(instance("a", InstanceState.READY, null, null),
                instance("b", InstanceState.READY, null, null)))).isEmpty();
    }

    @Test
    void anInstanceThatExitedFailsTheReleaseSayingHow() {
        var failure = ProbationCheck.failure(Set.of("a"), List.of(instance("a", InstanceState.BACKOFF, "code 1", null)));
        assertThat(failure).hasValueSatisfying(f -> {
            assertThat(f.instance()).isEqualTo("a");
            assertThat(f.why()).isEqualTo("instance a exited (code 1)");
        });
    }

    @Test
    void anInstanceThatFailedItsHealthCheckFailsTheRelease() {
        var failure = ProbationCheck.failure(Set.of("a"),
                List.of(instance("a", InstanceState.UNHEALTHY, null, "unhealthy: GET /health answered 503")));
        assertThat(failure).hasValueSatisfying(f -> assertThat(f.why())
                .isEqualTo("instance a failed its health check: GET /health answered 503"));
    }

    @Test
    void aWatchedInstanceTheSchedulerWithdrewDoesNotFailTheRelease() {
        // a volume's rolling replacement or a scale-down inside the window: stopping, then gone
        assertThat(ProbationCheck.failure(Set.of("a"),
                List.of(instance("a", InstanceState.STOPPING, null, null)))).isEmpty();
        assertThat(ProbationCheck.failure(Set.of("a"), List.of())).isEmpty();
    }

    @Test
    void instancesStartedAfterTheSwitchAreNotJudged() {
        assertThat(ProbationCheck.failure(Set.of("a"), List.of(instance("a", InstanceState.READY, null, null),
                instance("c", InstanceState.STARTING, null, null)))).isEmpty();
    }

    @Test
    void aRestartedInstanceCountsAsExited() {
        assertThat(ProbationCheck.failure(Set.of("a"), List.of(instance("a", InstanceState.STARTING, "signal 9", null))))
                .hasValueSatisfying(f -> assertThat(f.why()).isEqualTo("instance a exited (signal 9)"));
    }
}
