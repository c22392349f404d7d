package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AotTrainingTest {

    @Test
    void theTrainingRoundTripsSucceedSoTheCacheHoldsAWholePs() throws Exception {
        assertThat(AotTraining.train()).containsExactly(0, 0);
    }
}
