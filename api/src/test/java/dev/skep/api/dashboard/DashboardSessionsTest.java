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

    Principal use(DashboardSessions.Opened session) {
        return sessions.principal(session.sessionId(), session.csrf());
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
        assertThat(use(opened)).isEqualTo(alice("t1"));
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
        DashboardSessions.Opened id = sessions.open(alice("t1"));
        DashboardSessions.Opened other = sessions.open(alice("t2"));
        users.updateUser("alice", u -> new UserRecord(u.name(), u.admin(),
                u.tokens().stream().filter(t -> !t.id().equals("t1")).toList(), u.created()));
        refused(() -> use(id), "revoked");
        assertThat(use(other).tokenId()).isEqualTo("t2");

        users.updateUser("alice", u -> new UserRecord(u.name(), u.admin(),
                List.of(token("t3", clock.instant().plus(Duration.ofMinutes(5)))), u.created()));
        DashboardSessions.Opened shortLived = sessions.open(alice("t3"));
        assertThat(shortLived.expires()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        clock.advance(Duration.ofMinutes(5));
        refused(() -> use(shortLived), "expired");
    }

    @Test
    void aSessionExpiresWhenIdleAndAtItsEnd() {
        DashboardSessions.Opened id = sessions.open(alice("t1"));
        clock.advance(Duration.ofMinutes(59));
        use(id);
        clock.advance(Duration.ofMinutes(59));
        use(id);
        clock.advance(DashboardSessions.IDLE_LIFETIME);
        refused(() -> use(id), "expired");

        DashboardSessions.Opened busy = sessions.open(alice("t1"));
        for (int i = 0; i < 8 * 2; i++) {
            clock.advance(Duration.ofMinutes(30));
            if (i < 15) {
                use(busy);
            }
        }
        refused(() -> use(busy), "expired");
    }

    @Test
    void aSessionHasNoMoreRightsThanItsUserHasNow() {
        DashboardSessions.Opened id = sessions.open(alice("t1"));
        assertThat(use(id).admin()).isTrue();
        users.updateUser("alice", u -> new UserRecord(u.name(), false, u.tokens(), u.created()));
        assertThat(use(id).admin()).isFalse();
        users.deleteUser("alice");
        refused(() -> use(id), "revoked");
    }

    @Test
    void everyRequestNeedsTheSessionsCsrfTokenAndLogoutEndsIt() {
        DashboardSessions.Opened opened = sessions.open(alice("t1"));
        String other = sessions.open(alice("t1")).csrf();
        for (String wrong : new String[] {null, "", other}) {
            assertThatThrownBy(() -> sessions.principal(opened.sessionId(), wrong))
                    .hasMessageContaining("X-Skep-CSRF")
                    .extracting(e -> ((SkepException) e).kind()).isEqualTo(SkepException.Kind.FORBIDDEN);
        }
        assertThat(sessions.principal(opened.sessionId(), opened.csrf()).user()).isEqualTo("alice");
        sessions.close(opened.sessionId());
        refused(() -> use(opened), "no such dashboard session");
    }
}
