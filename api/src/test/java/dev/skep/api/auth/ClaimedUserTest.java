package dev.skep.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.SkepException;
import dev.skep.model.UserRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Basic auth (curl -u USER:TOKEN) whose user is not the token's: a valid token says whose it is, so the caller can
 * fix the user name; a token that is not valid says "invalid token" whatever user it claims, and names nobody.
 */
class ClaimedUserTest {

    final String alicesToken = Tokens.newToken();
    final Authenticator auth = new Authenticator(new OneUser(new UserRecord("alice", false,
            List.of(new UserRecord.Token("t1", Tokens.sha256(alicesToken), Clock.systemUTC().instant(), null)),
            Clock.systemUTC().instant())), Clock.systemUTC());

    private static String basic(String user, String token) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aValidTokenOfAnotherUserSaysWhoseItIs() {
        assertThatThrownBy(() -> auth.authenticate(basic("bob", alicesToken), "10.0.0.1"))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkepException.Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).isEqualTo("unauthorized: the token is alice's, not bob's");
                    assertThat(e.detail()).contains("-u alice:TOKEN");
                });
        assertThat(auth.authenticate(basic("alice", alicesToken), "10.0.0.1").user()).isEqualTo("alice");
    }

    @Test
    void anInvalidTokenNamesNobody() {
        assertThatThrownBy(() -> auth.authenticate(basic("bob", "skp_guess"), "10.0.0.2"))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("unauthorized: invalid token");
                    assertThat(e.getMessage() + e.detail()).doesNotContain("alice");
                });
        assertThatThrownBy(() -> auth.authenticate(basic("alice", "skp_guess"), "10.0.0.3"))
                .hasMessage("unauthorized: invalid token");
    }

    @Test
    void aClaimedNameThatIsNoUserNameIsNotEchoed() {
        assertThatThrownBy(() -> auth.authenticate(basic("x\nevent=forged", alicesToken), "10.0.0.4"))
                .hasMessage("unauthorized: the token is alice's, not that user name's");
    }
}
