package dev.skep.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.SkepException;
import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {

    /** A clock the test moves by hand. */
    static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-11-26T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private final HandClock clock = new HandClock();
    private final AuthThrottle throttle = new AuthThrottle(new AuthThrottle.Policy(3, Duration.ofSeconds(1),
            Duration.ofSeconds(60), Duration.ofMinutes(15), 3), clock);

    @Test
    void theFirstFailuresAreFreeThenEachBlockDoubles() {
        assertThat(throttle.failed("10.0.0.1")).isZero();
        assertThat(throttle.failed("10.0.0.1")).isZero();
        assertThat(throttle.failed("10.0.0.1")).isZero();
        assertThat(throttle.retryAfter("10.0.0.1")).isEmpty();
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("10.0.0.1")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("10.0.0.1")).isEmpty();
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void theBlockIsCappedEvenAfterVeryManyFailures() {
        assertThat(throttle.delayAfter(10)).isEqualTo(Duration.ofSeconds(60));
        assertThat(throttle.delayAfter(1_000)).isEqualTo(Duration.ofSeconds(60));
        assertThat(throttle.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void otherAddressesAreNotSlowedDown() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("10.0.0.1");
        }
        assertThat(throttle.retryAfter("10.0.0.1")).isPresent();
        assertThat(throttle.retryAfter("10.0.0.2")).isEmpty();
    }

    @Test
    void aGoodTokenOrAQuietSpellClearsTheRecord() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("a");
            throttle.failed("b");
        }
        throttle.succeeded("a");
        assertThat(throttle.retryAfter("a")).isEmpty();
        assertThat(throttle.failed("a")).isZero();

        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.retryAfter("b")).isEmpty();
        assertThat(throttle.failed("b")).isZero();
    }

    @Test
    void theTableIsBounded() {
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 5; j++) {
                throttle.failed("10.0.0." + i);
            }
        }
        // only the 3 most recent addresses are remembered
        assertThat(throttle.retryAfter("10.0.0.0")).isEmpty();
        assertThat(throttle.retryAfter("10.0.0.99")).isPresent();
    }

    private final AuthThrottle byPresented = new AuthThrottle(new AuthThrottle.Policy(3, Duration.ofSeconds(1),
            Duration.ofSeconds(60), Duration.ofMinutes(15), 100), clock);

    @Test
    void badTokensFromAnAddressNeverLockOutAGoodTokenFromTheSameAddress() {
        // issue 10 #4: an app on this host sent bad tokens from 127.0.0.1, and the admin's good token from
        // 127.0.0.1 got 429 40 times out of 40
        String good = Tokens.newToken();
        Authenticator auth = new Authenticator(alice(good), clock, throttle, byPresented);
        for (int i = 0; i < 40; i++) {
            int n = i;
            assertThatThrownBy(() -> auth.authenticate("Bearer skp_wrong" + n, "127.0.0.1"))
                    .isInstanceOf(SkepException.class);
            assertThat(auth.authenticate("Bearer " + good, "127.0.0.1").user()).isEqualTo("alice");
        }
    }

    @Test
    void failuresFromABlockedAddressStillGet429WithRetryAfter() {
        String good = Tokens.newToken();
        Authenticator auth = new Authenticator(alice(good), clock, throttle, byPresented);
        for (int i = 0; i < 4; i++) {
            int n = i;
            assertThatThrownBy(() -> auth.authenticate("Bearer skp_wrong" + n, "10.0.0.9"))
                    .hasMessageContaining("unauthorized");
        }
        // blocked for 1 s now: a new guess is refused with 429 and not even counted
        assertThatThrownBy(() -> auth.authenticate("Bearer skp_guess", "10.0.0.9"))
                .isInstanceOfSatisfying(TooManyFailures.class, e -> {
                    assertThat(e.kind().status).isEqualTo(429);
                    assertThat(e.retryAfterSeconds()).isEqualTo(1);
                });
        assertThat(auth.authenticate("Bearer " + good, "10.0.0.9").user()).isEqualTo("alice");
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> auth.authenticate("Bearer skp_guess", "10.0.0.9")).hasMessageContaining("unauthorized");
        assertThat(throttle.retryAfter("10.0.0.9")).contains(Duration.ofSeconds(2));
        // a missing token is no guess: it never counts
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> auth.authenticate(null, "10.0.0.9")).hasMessageContaining("missing token");
        }
        assertThat(throttle.retryAfter("10.0.0.9")).isEmpty();
    }

    @Test
    void aTenantsOwnGoodTokenDoesNotResetItsAddressesGuessingBudget() {
        String own = Tokens.newToken();
        Authenticator auth = new Authenticator(alice(own), clock, throttle, byPresented);
        int refused401 = 0;
        for (int i = 0; i < 20; i++) {
            int n = i;
            try {
                auth.authenticate("Bearer skp_guess" + n, "10.0.0.7");
            } catch (TooManyFailures blocked) {
                break;
            } catch (SkepException unauthorized) {
                refused401++;
            }
            auth.authenticate("Bearer " + own, "10.0.0.7");
        }
        assertThat(refused401).isEqualTo(4);
    }

    @Test
    void guessingOneUsersTokenFromManyAddressesIsSlowedDownPerUser() {
        String good = Tokens.newToken();
        Authenticator auth = new Authenticator(alice(good), clock, throttle, byPresented);
        for (int i = 0; i < 4; i++) {
            String basic = basic("alice", "skp_wrong" + i);
            String from = "10.1.0." + i;
            assertThatThrownBy(() -> auth.authenticate(basic, from)).hasMessageContaining("unauthorized");
        }
        assertThatThrownBy(() -> auth.authenticate(basic("alice", "skp_other"), "10.2.0.1"))
                .isInstanceOf(TooManyFailures.class);
        // alice's own good token still works, from anywhere
        assertThat(auth.authenticate(basic("alice", good), "10.2.0.1").user()).isEqualTo("alice");
        assertThat(byPresented.retryAfter("user:alice")).isEmpty();
    }

    @Test
    void whatWasPresentedIsKeyedShortAndSafeToLog() {
        assertThat(Credentials.throttleKey(basic("alice", "x"))).isEqualTo("user:alice");
        assertThat(Credentials.throttleKey(basic("a".repeat(10_000) + "\nevent=forged", "x"))).matches("user#[0-9a-f]{16}");
        assertThat(Credentials.throttleKey("Bearer skp_secret")).matches("token:[0-9a-f]{16}").doesNotContain("secret");
        assertThat(Credentials.throttleKey("Basic !!!")).matches("header:[0-9a-f]{16}");
    }

    private UserStore alice(String token) {
        return new OneUser(new UserRecord("alice", false, List.of(new UserRecord.Token("t1",
                Tokens.sha256(token), clock.instant(), null)), clock.instant()));
    }

    private static String basic(String user, String token) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = Tokens.newToken();
        UserStore users = new OneUser(new UserRecord("alice", false, List.of(new UserRecord.Token("t1",
                Tokens.sha256(token), clock.instant(), clock.instant().plusSeconds(60))), clock.instant()));
        Authenticator auth = new Authenticator(users, clock, throttle, byPresented);
        assertThat(auth.authenticate("Bearer " + token, "x").user()).isEqualTo("alice");
        clock.advance(Duration.ofSeconds(61));
        assertThatThrownBy(() -> auth.authenticate("Bearer " + token, "x")).hasMessageContaining("invalid token");
    }
}
