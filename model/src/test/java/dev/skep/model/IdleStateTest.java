package dev.skep.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdleStateTest {

    static final AppId APP = new AppId("alice", "nap");
    static final Instant DEPLOYED = Instant.ofEpochMilli(1_000);

    static AppSpec spec(Instant updated) {
        return AppSpec.create(APP, updated).withRelease(1, updated);
    }

    @Test
    void aSleepHoldsUntilTheOwnerChangesTheAppOrARequestWakesIt() {
        IdleState asleep = IdleState.AWAKE.active(2_000).asleep(10_000);
        assertThat(asleep.asleep(spec(DEPLOYED))).isTrue();
        assertThat(asleep.asleep(spec(Instant.ofEpochMilli(10_001)))).as("a deploy or scale after it wakes it")
                .isFalse();
        assertThat(asleep.asleep(spec(DEPLOYED).withRunning(false, DEPLOYED))).as("stopped is not asleep").isFalse();
        IdleState reported = asleep.active(11_000);
        assertThat(reported.sleeping()).as("a late traffic report does not wake it").isTrue();
        assertThat(reported.woken(12_000)).isEqualTo(new IdleState(12_000, false, 0));
    }

    @Test
    void anAppSleepsOnlyWithIdleStopOn() {
        IdleState asleep = IdleState.AWAKE.asleep(10_000);
        AppSpec spec = spec(DEPLOYED);
        assertThat(IdleState.asleep(List.of(spec), Map.of(APP, asleep),
                Map.of(APP, new RouteSettings(0, false, false, 60)))).containsExactly(APP);
        assertThat(IdleState.asleep(List.of(spec), Map.of(APP, asleep),
                Map.of(APP, new RouteSettings(0, false, false, 0)))).as("turned off: it runs").isEmpty();
        assertThat(IdleState.asleep(List.of(spec), Map.of(APP, asleep), Map.of())).isEmpty();
    }

    @Test
    void theLastUseIsTheNewestOfTrafficAndTheOwnersChange() {
        assertThat(IdleState.AWAKE.active(500).lastUse(spec(DEPLOYED))).isEqualTo(1_000);
        assertThat(IdleState.AWAKE.active(5_000).active(4_000).lastUse(spec(DEPLOYED))).isEqualTo(5_000);
        assertThat(IdleState.AWAKE.active(5_000).toJson()).isEqualTo("{\"activeAt\":5000,\"sleeping\":false,\"since\":0}");
    }
}
