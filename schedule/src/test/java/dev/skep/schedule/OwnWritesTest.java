package dev.skep.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.Assignment;
import dev.skep.model.Release;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnWritesTest {

    static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    static final AppId SHOP = AppId.parse("alice/shop");
    static final Release R1 = new Release(SHOP, 1, "sha", "alice.shop.sha", List.of("node", "server.js"), Map.of(),
            T0, "alice", "");

    final OwnWrites own = new OwnWrites();

    static Assignment assignment(String suffix, Instant created) {
        return new Assignment("alice.shop.1.web.1." + suffix, "a1", R1, 0, created, List.of());
    }

    @Test
    void aPlacementIsAwaitedForThePatienceCountedFromItsWriteNotFromItsPlan() {
        Assignment a = assignment("aaaaaa", T0); // planned at T0 by a pass whose writes took 40 s
        own.placed(a, T0.plusSeconds(40));
        assertThat(own.correct(List.of(), T0.plusSeconds(41))).containsExactly(a);
        assertThat(own.correct(List.of(), T0.plusSeconds(40).plus(OwnWrites.PATIENCE).plusSeconds(1))).isEmpty();
    }

    @Test
    void aPlacementWithdrawnBeforeAnySnapshotShowedItNeverComesBack() {
        Assignment a = assignment("bbbbbb", T0);
        own.placed(a, T0);
        own.withdrew(a, T0.plusSeconds(1));
        for (int pass = 2; pass < 10; pass++) {
            assertThat(own.correct(List.of(), T0.plusSeconds(pass))).as("pass at +%d s", pass).isEmpty();
        }
    }

    @Test
    void aLaggingSnapshotThatShowsAWithdrawnPlacementLateStillHidesIt() {
        Assignment a = assignment("cccccc", T0);
        own.placed(a, T0);
        own.withdrew(a, T0.plusSeconds(1));
        assertThat(own.correct(List.of(), T0.plusSeconds(2))).isEmpty(); // neither the create nor the delete seen
        assertThat(own.correct(List.of(a), T0.plusSeconds(3))).isEmpty(); // the create seen, the delete not yet
        assertThat(own.correct(List.of(), T0.plusSeconds(4))).isEmpty(); // both seen
    }

    @Test
    void aWithdrawalIsHiddenUntilTheSnapshotDropsIt() {
        Assignment a = assignment("dddddd", T0);
        assertThat(own.correct(List.of(a), T0)).containsExactly(a);
        own.withdrew(a, T0.plusSeconds(1));
        assertThat(own.correct(List.of(a), T0.plusSeconds(2))).isEmpty();
        assertThat(own.correct(List.of(), T0.plusSeconds(3))).isEmpty();
        // put back by someone else later: the withdrawal is done with, the snapshot rules again
        assertThat(own.correct(List.of(a), T0.plusSeconds(4))).containsExactly(a);
    }

    @Test
    void aPlacementOnceShownIsTheSnapshotsToReport() {
        Assignment a = assignment("eeeeee", T0);
        Assignment b = assignment("ffffff", T0);
        own.placed(a, T0);
        own.placed(b, T0);
        assertThat(own.correct(List.of(a), T0.plusSeconds(1))).containsExactlyInAnyOrder(a, b);
        // a deleted by another hand (its app gone, say): not put back from memory
        assertThat(own.correct(List.of(b), T0.plusSeconds(2))).containsExactly(b);
    }
}
