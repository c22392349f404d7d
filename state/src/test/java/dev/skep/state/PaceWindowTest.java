package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.HeartbeatPace;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The no-false-silence guarantee, on a fake clock: an agent that keeps beating at the old pace until it hears of a
 * change (late), then at the new one (its first beat as late as the new interval allows), is never silent by the
 * watcher's silence at any moment; and once the change is over the silence is the new pace's (fast failover again).
 */
class PaceWindowTest {

    static final long MS = 1_000_000;
    static final HeartbeatPace FAST = HeartbeatPace.initial();
    static final HeartbeatPace SLOW = HeartbeatPace.forAgents(500, HeartbeatPace.MAX_BEATS_PER_SECOND);

    @Test
    void anAgentStillBeatingSlowlyWhileTheClusterShrinksIsNeverSilent() {
        for (long heardAfter : new long[] {0, 300, 1500}) {
            for (long phase = 0; phase < SLOW.interval().toMillis(); phase += 250) {
                PaceWindow window = new PaceWindow(SLOW);
                // the watcher hears the faster pace at t = 0 (as its cache gets it): the agent some time later
                assertNeverSilent(window, SLOW, FAST, phase, heardAfter, 0);
            }
        }
    }

    @Test
    void anAgentStillBeatingFastWhileTheClusterGrowsIsNeverSilent() {
        for (long heardAfter : new long[] {0, 300, 1500}) {
            PaceWindow window = new PaceWindow(FAST);
            assertNeverSilent(window, FAST, SLOW, 100, heardAfter, 0);
        }
    }

    @Test
    void afterAChangeTheSilenceIsTheNewPacesOnceTheOldOnesHasPassed() {
        PaceWindow window = new PaceWindow(SLOW);
        window.seen(FAST, 0);
        assertThat(window.silenceNanos(0)).isEqualTo(SLOW.silence().toNanos());
        long held = SLOW.silence().toNanos();
        assertThat(window.silenceNanos(held - 1)).isEqualTo(SLOW.silence().toNanos());
        assertThat(window.silenceNanos(held)).as("fast failover again").isEqualTo(FAST.silence().toNanos());

        window.seen(SLOW, held + 10 * MS);
        assertThat(window.silenceNanos(held + 10 * MS)).as("a slower pace counts at once")
                .isEqualTo(SLOW.silence().toNanos());
        assertThat(window.current()).isEqualTo(SLOW);
    }

    @Test
    void aSecondChangeWithinTheHoldKeepsTheSlowestPaceHeld() {
        HeartbeatPace middle = HeartbeatPace.forAgents(200, HeartbeatPace.MAX_BEATS_PER_SECOND);
        PaceWindow window = new PaceWindow(SLOW);
        window.seen(middle, 0);
        window.seen(FAST, 1000 * MS); // agents may not have heard of the first change yet: still beating slowly
        assertThat(window.silenceNanos(2000 * MS)).isEqualTo(SLOW.silence().toNanos());
        assertThat(window.silenceNanos(SLOW.silence().toNanos() + 1000 * MS)).isEqualTo(FAST.silence().toNanos());
    }

    /**
     * The agent beats every {@code from} (first at {@code phase} ms before the change) until {@code heardAfter} ms
     * after the watcher heard of the change, then first beats one new interval less 1 ms later (the latest its
     * random start allows) and every {@code to} after; checked every 10 ms for three of the slower silences.
     */
    private static void assertNeverSilent(PaceWindow window, HeartbeatPace from, HeartbeatPace to, long phase,
                                          long heardAfter, long changeAt) {
        long fromMs = from.interval().toMillis();
        long toMs = to.interval().toMillis();
        long firstNew = heardAfter + toMs - 1;
        long end = 3 * Math.max(from.silence().toMillis(), to.silence().toMillis());
        long lastBeat = -phase;
        long nextOld = -phase + fromMs;
        long nextNew = firstNew;
        boolean seen = false;
        for (long t = -phase; t <= end; t += 10) {
            if (!seen && t >= changeAt) {
                window.seen(to, changeAt * MS);
                seen = true;
            }
            while (nextOld <= t && nextOld < heardAfter) {
                lastBeat = nextOld;
                nextOld += fromMs;
            }
            while (nextNew <= t) {
                lastBeat = nextNew;
                nextNew += toMs;
            }
            assertThat((t - lastBeat) * MS).as("at %d ms (beat at %d ms): %s -> %s, heard after %d ms", t, lastBeat,
                    from.interval(), to.interval(), heardAfter).isLessThan(window.silenceNanos(t * MS));
        }
    }
}
