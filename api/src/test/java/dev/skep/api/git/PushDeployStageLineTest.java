package dev.skep.api.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a deploy's stages read in git's "remote:" lines. */
class PushDeployStageLineTest {

    @Test
    void aMessageThatNamesItsStageIsNotPrefixedWithItAgain() {
        assertThat(PushDeploy.stageLine("received", "received 7424 bytes, sha256 c2e8"))
                .isEqualTo("-----> received 7424 bytes, sha256 c2e8");
        assertThat(PushDeploy.stageLine("unpacked", "unpacked 13 entries, 19848 bytes"))
                .isEqualTo("-----> unpacked 13 entries, 19848 bytes");
    }

    @Test
    void otherMessagesFollowTheirStage() {
        assertThat(PushDeploy.stageLine("serving", "in probation for 10 s"))
                .isEqualTo("-----> serving: in probation for 10 s");
        assertThat(PushDeploy.stageLine("receivedness", "received 1 byte"))
                .isEqualTo("-----> receivedness: received 1 byte");
        assertThat(PushDeploy.stageLine("built", null)).isEqualTo("-----> built");
    }
}
