package dev.skep.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The heartbeat rule: today's 500 ms beat for a small cluster, total beats per second capped for a large one. */
class HeartbeatPaceTest {

    static final int CAP = HeartbeatPace.MAX_BEATS_PER_SECOND;

    @Test
    void aSmallClusterKeepsTheFastBeatAndItsTwoSecondSilence() {
        for (int agents : new int[] {0, 1, 3, 50}) {
            HeartbeatPace pace = HeartbeatPace.forAgents(agents, CAP);
            assertThat(pace.interval()).as("%d agents", agents).isEqualTo(Duration.ofMillis(500));
            assertThat(pace.silence()).isEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    void aLargeClusterBeatsSlowerSoAllBeatsStayUnderTheCap() {
        assertThat(HeartbeatPace.forAgents(51, CAP).interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(HeartbeatPace.forAgents(300, CAP).interval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(HeartbeatPace.forAgents(500, CAP).interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(HeartbeatPace.forAgents(500, CAP).silence()).isEqualTo(Duration.ofSeconds(11));
        for (int agents = 1; agents <= 5000; agents++) {
            HeartbeatPace pace = HeartbeatPace.forAgents(agents, CAP);
            double beatsPerSecond = agents * 1000.0 / pace.interval().toMillis();
            assertThat(beatsPerSecond).as("%d agents at %s", agents, pace.interval())
                    .isLessThanOrEqualTo(Math.max(CAP, agents * 2.0));
            if (agents > CAP / 2) {
                assertThat(beatsPerSecond).as("%d agents at %s", agents, pace.interval()).isLessThanOrEqualTo(CAP);
            }
        }
    }

    @Test
    void aGrownClusterSlowsAtOnceAShrunkOneSpeedsUpOnlyWithATenthToSpare() {
        HeartbeatPace at300 = HeartbeatPace.forAgents(300, CAP);
        assertThat(at300.next(301, CAP).interval()).isEqualTo(Duration.ofMillis(3500));
        assertThat(at300.next(250, CAP)).as("250 agents and a tenth more still need 3 s").isEqualTo(at300);
        assertThat(at300.next(240, CAP)).isEqualTo(at300);
        assertThat(at300.next(220, CAP).interval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(at300.next(3, CAP)).isEqualTo(HeartbeatPace.initial());
    }

    @Test
    void thePublishedPaceReadsBackAndNothingReadableMeansNone() {
        HeartbeatPace pace = HeartbeatPace.forAgents(420, CAP);
        assertThat(HeartbeatPace.parse(pace.bytes())).contains(pace);
        assertThat(HeartbeatPace.parse(null)).isEmpty();
        assertThat(HeartbeatPace.parse(new byte[0])).isEmpty();
        assertThat(HeartbeatPace.parse("fast".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(HeartbeatPace.parse("0".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(HeartbeatPace.parse("100".getBytes(StandardCharsets.US_ASCII)))
                .as("never faster than the floor").contains(HeartbeatPace.initial());
    }

    @Test
    void aRepacedAgentBeatsAtItsPlaceInTheSpreadButNeverPastAnIntervalFromItsLastBeat() {
        HeartbeatPace pace = new HeartbeatPace(Duration.ofMillis(2000));
        assertThat(pace.firstBeatMillis(700, 100)).isEqualTo(700); // its spread comes first
        assertThat(pace.firstBeatMillis(1900, 500)).isEqualTo(1500); // due 2000 ms after the last beat
        assertThat(pace.firstBeatMillis(1900, 5000)).isZero(); // overdue: at once
    }
}
