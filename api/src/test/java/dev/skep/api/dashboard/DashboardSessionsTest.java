package dev.skep.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.api.auth.Principal;
import dev.skep.model.SkepException;
import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Login links and sessions against a clock the test moves: expiry, replay, a token's end, rights, CSRF. */
class DashboardSessionsTest {

    static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");

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

    /** Users in a map, changed as the API's routes would change them. */
    static final class Users implements UserStore {
        final Map<String, UserRecord> byName = new ConcurrentHashMap<>();

        @Override
        public Optional<UserRecord> user(String name) {
            return Optional.ofNullable(byName.get(name));
        }

        @Override
        public List<UserRecord> users() {
            return List.copyOf(byName.values());
        }

        @Override
        public void createUser(UserRecord user) {
            byName.put(user.name(), user);
        }

        @Override
        public UserRecord updateUser(String name, UnaryOperator<UserRecord> change) {
            return byName.compute(name, (n, u) -> change.apply(u));
        }

        @Override
        public void deleteUser(String name) {
            byName.remove(name);
        }
    }

    final HandClock clock = new HandClock();
    final Users users = new Users();
    final DashboardSessions sessions = new DashboardSessions(users, clock);

    DashboardSessionsTest() {
        users.createUser(new UserRecord("alice", true, List.of(token("t1", null), token("t2", null)), clock.instant()));
    }

    UserRecord.Token token(String id, Instant expires) {
        return new UserRecord.Token(id, "0".repeat(64), clock.instant(), expires);
    }

    static Principal alice(String tokenId) {
        return new Principal("alice", true, tokenId);
    }

    static void refused(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(SkepException.class).hasMessageContaining(message)
                .extracting(e -> ((SkepException) e).kind()).isEqualTo(SkepException.Kind.UNAUTHORIZED);
    }

    @Test
    void aLinkWorksOnceAndTheSecondUseSaysSo() {
        String code = sessions.newLink(alice("t1"));
        DashboardSessions.Opened opened = sessions.redeem(code);
        assertThat(opened.user()).isEqualTo("alice");
        assertThat(sessions.principal(opened.sessionId(), true, null)).isEqualTo(alice("t1"));
        refused(() -> sessions.redeem(code), "already used");
        refused(() -> sessions.redeem("nope"), "unknown login link");
    }

    @Test
    void aLinkExpiresAfterTwoMinutes() {
        String code = sessions.newLink(alice("t1"));
        clock.advance(Duration.ofMinutes(2));
        refused(() -> sessions.redeem(code), "expired");
        String fresh = sessions.newLink(alice("t1"));
        clock.advance(Duration.ofSeconds(119));
        assertThat(sessions.redeem(fresh).user()).isEqualTo("alice");
    }

    @Test
    void aSessionEndsWithItsTokenAndNeverOutlivesIt() {
        String id = sessions.open(alice("t1")).sessionId();
        String other = sessions.open(alice("t2")).sessionId();
        users.updateUser("alice", u -> new UserRecord(u.name(), u.admin(),
                u.tokens().stream().filter(t -> !t.id().equals("t1")).toList(), u.created()));
        refused(() -> sessions.principal(id, true, null), "revoked");
        assertThat(sessions.principal(other, true, null).tokenId()).isEqualTo("t2");

        users.updateUser("alice", u -> new UserRecord(u.name(), u.admin(),
                List.of(token("t3", clock.instant().plus(Duration.ofMinutes(5)))), u.created()));
        DashboardSessions.Opened shortLived = sessions.open(alice("t3"));
        assertThat(shortLived.expires()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        clock.advance(Duration.ofMinutes(5));
        refused(() -> sessions.principal(shortLived.sessionId(), true, null), "expired");
    }

    @Test
    void aSessionExpiresWhenIdleAndAtItsEnd() {
        String id = sessions.open(alice("t1")).sessionId();
        clock.advance(Duration.ofMinutes(59));
        sessions.principal(id, true, null);
        clock.advance(Duration.ofMinutes(59));
        sessions.principal(id, true, null);
        clock.advance(DashboardSessions.IDLE_LIFETIME);
        refused(() -> sessions.principal(id, true, null), "expired");

        String busy = sessions.open(alice("t1")).sessionId();
        for (int i = 0; i < 8 * 2; i++) {
            clock.advance(Duration.ofMinutes(30));
            if (i < 15) {
                sessions.principal(busy, true, null);
            }
        }
        refused(() -> sessions.principal(busy, true, null), "expired");
    }

    @Test
    void aSessionHasNoMoreRightsThanItsUserHasNow() {
        String id = sessions.open(alice("t1")).sessionId();
        assertThat(sessions.principal(id, true, null).admin()).isTrue();
        users.updateUser("alice", u -> new UserRecord(u.name(), false, u.tokens(), u.created()));
        assertThat(sessions.principal(id, true, null).admin()).isFalse();
        users.deleteUser("alice");
        refused(() -> sessions.principal(id, true, null), "revoked");
    }

    @Test
    void writesNeedTheSessionsCsrfTokenAndLogoutEndsIt() {
        DashboardSessions.Opened opened = sessions.open(alice("t1"));
        String other = sessions.open(alice("t1")).csrf();
        for (String wrong : new String[] {null, "", other}) {
            assertThatThrownBy(() -> sessions.principal(opened.sessionId(), false, wrong))
                    .hasMessageContaining("X-Skep-CSRF")
                    .extracting(e -> ((SkepException) e).kind()).isEqualTo(SkepException.Kind.FORBIDDEN);
        }
        assertThat(sessions.principal(opened.sessionId(), false, opened.csrf()).user()).isEqualTo("alice");
        sessions.close(opened.sessionId());
        refused(() -> sessions.principal(opened.sessionId(), true, null), "no such dashboard session");
    }
}
