package dev.skep.api.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.junit.jupiter.api.Test;

class PushRulesTest {

    static final ObjectId A = ObjectId.fromString("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    static final ObjectId B = ObjectId.fromString("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    static final ObjectId ZERO = ObjectId.zeroId();

    private static String refusal(Map<String, ObjectId> refs, ReceiveCommand... commands) {
        return PushRules.refusal(List.of(commands), name -> refs.getOrDefault(name, ZERO));
    }

    @Test
    void aNewBranchAnUpdateAndAForcedUpdateOverWhatWasSeenDeploy() {
        assertThat(refusal(Map.of(), new ReceiveCommand(ZERO, A, "refs/heads/main"))).isNull();
        assertThat(refusal(Map.of("refs/heads/main", A), new ReceiveCommand(A, B, "refs/heads/main"))).isNull();
        assertThat(refusal(Map.of("refs/heads/main", A),
                new ReceiveCommand(A, B, "refs/heads/main", ReceiveCommand.Type.UPDATE_NONFASTFORWARD))).isNull();
    }

    @Test
    void aBranchMovedByAnotherPushMeanwhileIsRefused() {
        assertThat(refusal(Map.of("refs/heads/main", B), new ReceiveCommand(A, B, "refs/heads/main")))
                .isEqualTo("another push moved main meanwhile: push again");
        assertThat(refusal(Map.of("refs/heads/main", A), new ReceiveCommand(ZERO, B, "refs/heads/main")))
                .contains("another push moved main");
    }

    @Test
    void tagsDeletesAndSeveralRefsAreRefusedSayingWhy() {
        assertThat(refusal(Map.of(), new ReceiveCommand(ZERO, A, "refs/tags/v1")))
                .startsWith("only a branch deploys, not refs/tags/v1");
        assertThat(refusal(Map.of("refs/heads/main", A), new ReceiveCommand(A, ZERO, "refs/heads/main")))
                .startsWith("deleting main deploys nothing");
        assertThat(refusal(Map.of(), new ReceiveCommand(ZERO, A, "refs/heads/main"),
                new ReceiveCommand(ZERO, B, "refs/heads/next"))).startsWith("push one branch at a time");
    }
}
