package dev.skep.supervise;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RestartTrackerTest {

    private static final RestartPolicy POLICY = new RestartPolicy(Duration.ofMillis(100), Duration.ofSeconds(30),
            2.0, 0.0, Duration.ofSeconds(1), 5);

    /** A fake clock: each exit happens some time after the previous restart. */
    private Instant now = Instant.parse("2026-11-26T00:00:00Z");

    private RestartTracker.Decision runFor(RestartTracker tracker, Duration uptime) {
        Instant started = now;
        now = now.plus(uptime);
        RestartTracker.Decision decision = tracker.onExit(started, now);
        now = now.plus(decision.delay());
        return decision;
    }

    @Test
    void theFirstCrashIsRestartedAtOnce() {
        RestartTracker tracker = new RestartTracker(POLICY, () -> 0.5);
        RestartTracker.Decision decision = runFor(tracker, Duration.ofMinutes(5));
        assertThat(decision.delay()).isZero();
        assertThat(decision.crashLoop()).isFalse();
    }

    @Test
    void quickDeathsBackOffExponentiallyThenReportACrashLoopRetriedAtTheCap() {
        RestartTracker tracker = new RestartTracker(POLICY, () -> 0.5);
        assertThat(runFor(tracker, Duration.ofMillis(50)).delay()).isZero();
        assertThat(runFor(tracker, Duration.ofMillis(50)).delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(runFor(tracker, Duration.ofMillis(50)).delay()).isEqualTo(Duration.ofMillis(200));
        assertThat(runFor(tracker, Duration.ofMillis(50)).delay()).isEqualTo(Duration.ofMillis(400));
        RestartTracker.Decision fifth = runFor(tracker, Duration.ofMillis(50));
        assertThat(fifth.crashLoop()).isTrue();
        assertThat(fifth.delay()).isEqualTo(Duration.ofSeconds(30));
        RestartTracker.Decision sixth = runFor(tracker, Duration.ofMillis(50));
        assertThat(sixth.crashLoop()).isTrue();
        assertThat(sixth.delay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void startsThatNeverGotReadyAreQuickDeathsHoweverLongTheyTookAndARealRunForgetsThem() {
        RestartTracker tracker = new RestartTracker(POLICY, () -> 0.5);
        for (int i = 1; i < POLICY.crashLoopAfter(); i++) {
            assertThat(tracker.onFailedStart().crashLoop()).isFalse();
        }
        assertThat(tracker.quickDeaths()).isEqualTo(POLICY.crashLoopAfter() - 1);
        assertThat(runFor(tracker, Duration.ofMinutes(5)).crashLoop()).as("it ran: history forgotten").isFalse();
        assertThat(tracker.quickDeaths()).isZero();
        for (int i = 1; i < POLICY.crashLoopAfter(); i++) {
            tracker.onFailedStart();
        }
        RestartTracker.Decision last = tracker.onFailedStart();
        assertThat(last.crashLoop()).isTrue();
        assertThat(last.delay()).isEqualTo(POLICY.maxDelay());
    }

    @Test
    void theBackOffIsCapped() {
        RestartPolicy patient = new RestartPolicy(Duration.ofMillis(100), Duration.ofSeconds(30), 2.0, 0.0,
                Duration.ofSeconds(1), 1000);
        RestartTracker tracker = new RestartTracker(patient, () -> 0.5);
        Duration last = Duration.ZERO;
        for (int i = 0; i < 20; i++) {
            last = runFor(tracker, Duration.ofMillis(10)).delay();
        }
        assertThat(last).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aProcessThatOutlivesItsMinimumUptimeIsRestartedAtOnceEveryTime() {
        RestartTracker tracker = new RestartTracker(POLICY, () -> 0.5);
        for (int i = 0; i < 20; i++) {
            assertThat(runFor(tracker, Duration.ofSeconds(2)).delay()).isZero();
        }
        assertThat(tracker.quickDeaths()).isZero();
    }

    @Test
    void aRunPastTheMinimumUptimeResetsTheHistory() {
        RestartTracker tracker = new RestartTracker(POLICY, () -> 0.5);
        for (int i = 0; i < 6; i++) {
            runFor(tracker, Duration.ofMillis(10));
        }
        RestartTracker.Decision afterStableRun = runFor(tracker, Duration.ofSeconds(31));
        assertThat(afterStableRun.delay()).isZero();
        assertThat(afterStableRun.crashLoop()).isFalse();
        assertThat(afterStableRun.quickDeaths()).isZero();
    }

    @Test
    void aSurvivorBreaksTheCrashLoopStreakAndTheBackOff() {
        RestartTracker tracker = new RestartTracker(POLICY, () -> 0.5);
        for (int i = 0; i < 4; i++) {
            runFor(tracker, Duration.ofMillis(10));
        }
        RestartTracker.Decision survivor = runFor(tracker, Duration.ofSeconds(5));
        assertThat(survivor.crashLoop()).isFalse();
        assertThat(survivor.delay()).isZero();
        // it is dying young again: the back-off starts over from its first step
        assertThat(runFor(tracker, Duration.ofMillis(10)).delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(runFor(tracker, Duration.ofMillis(10)).delay()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void jitterSpreadsTheDelayWithinItsBoundsAndNeverPastTheCap() {
        RestartPolicy jittery = new RestartPolicy(Duration.ofMillis(100), Duration.ofSeconds(30), 2.0, 0.1,
                Duration.ofSeconds(1), 5);
        RestartTracker low = new RestartTracker(jittery, () -> 0.0);
        RestartTracker high = new RestartTracker(jittery, () -> 0.999);
        runFor(low, Duration.ofMillis(10));
        runFor(high, Duration.ofMillis(10));
        assertThat(runFor(low, Duration.ofMillis(10)).delay()).isEqualTo(Duration.ofMillis(90));
        assertThat(runFor(high, Duration.ofMillis(10)).delay()).isEqualTo(Duration.ofMillis(110));
        for (int i = 0; i < 10; i++) {
            assertThat(runFor(high, Duration.ofMillis(10)).delay()).isLessThanOrEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void resetForgetsQuickDeaths() {
        RestartTracker tracker = new RestartTracker(POLICY, () -> 0.5);
        for (int i = 0; i < 4; i++) {
            runFor(tracker, Duration.ofMillis(10));
        }
        tracker.reset();
        assertThat(runFor(tracker, Duration.ofMillis(10)).delay()).isZero();
    }
}
