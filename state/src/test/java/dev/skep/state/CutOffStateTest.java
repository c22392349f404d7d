package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.SkepException;
import dev.skep.model.UserRecord;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static stability of the state itself: with ZooKeeper gone, what skep last knew is still readable at once
 * (apps, releases, users for token checks, app documents) and every change is refused at once with a 503
 * that says why, instead of each call waiting out Curator's retries; when ZooKeeper is back, writes work.
 */
class CutOffStateTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;
    StateConnection connection;
    ZkClusterState state;
    final AppId shop = AppId.parse("alice/shop");

    @AfterEach
    void stop() {
        if (state != null) {
            state.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readsComeFromTheLastKnownStateAndWritesAreRefusedAtOnceUntilZooKeeperIsBack() throws Exception {
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        String connect = server.connectString();
        int port = ZkHostPort.parse(connect).getFirst().port();
        connection = StateConnection.open(connect, Duration.ofSeconds(30), Duration.ofSeconds(10));
        state = new ZkClusterState(connection.client(), Clock.systemUTC());
        ZkUserStore users = new ZkUserStore(state.view());
        ZkAppDocuments documents = new ZkAppDocuments(state.view());
        state.createApp(shop);
        documents.put(shop, "health", "{\"path\":\"/up\"}");
        users.createUser(new UserRecord("alice", false, List.of(), Instant.now()));
        // the cache is fed by watches: wait until it holds what was written
        await().atMost(Duration.ofSeconds(5)).until(() -> state.view().cache().get(Paths.userRecord("alice")).isPresent()
                && state.view().cache().get(Paths.document(shop, "health")).isPresent());

        assertThat(state.apps()).hasSize(1); // the first read of a kind loads Jackson's deserializers: not timed below

        server.close();
        server = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> !state.view().connected());

        long started = System.nanoTime();
        List<AppSpec> apps = state.apps();
        Optional<AppSpec> known = state.app(shop);
        Optional<AppSpec> unknown = state.app(AppId.parse("bob/none"));
        Optional<UserRecord> alice = users.user("alice");
        List<UserRecord> all = users.users();
        Optional<String> health = documents.get(shop, "health");
        Throwable update = catchThrowable(() -> state.updateApp(shop, a -> a));
        Throwable create = catchThrowable(() -> state.createApp(AppId.parse("alice/other")));
        Throwable put = catchThrowable(() -> documents.put(shop, "health", "{}"));
        Throwable deleteUser = catchThrowable(() -> users.deleteUser("alice"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(apps).extracting(AppSpec::id).containsExactly(shop);
        assertThat(known).isPresent();
        assertThat(unknown).isEmpty();
        assertThat(alice).isPresent();
        assertThat(all).extracting(UserRecord::name).containsExactly("alice");
        assertThat(health).contains("{\"path\":\"/up\"}");
        assertThat(update).isInstanceOfSatisfying(SkepException.class, e -> {
            assertThat(e.kind()).isEqualTo(SkepException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("ZooKeeper) is unreachable").contains("change app alice/shop");
        });
        for (Throwable refused : List.of(create, put, deleteUser)) {
            assertThat(refused).isInstanceOfSatisfying(SkepException.class,
                    e -> assertThat(e.kind()).isEqualTo(SkepException.Kind.UNAVAILABLE));
        }
        // waiting on Curator's retries would take the connection timeout (10 s here) per call
        assertThat(took).as("answered from the cache and refused without waiting on retries")
                .isLessThan(Duration.ofSeconds(3));

        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", port));
        await().atMost(Duration.ofSeconds(20)).until(() -> state.view().connected());
        state.updateApp(shop, a -> a);
        documents.put(shop, "health", "{}");
        assertThat(documents.get(shop, "health")).contains("{}");
    }
}
