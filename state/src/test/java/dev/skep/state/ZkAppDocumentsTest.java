package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZkAppDocumentsTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper server;
    StateConnection connection;
    ZkClusterState state;
    ZkAppDocuments documents;
    final AppId shop = AppId.parse("alice/shop");

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        connection = StateConnection.open(server.connectString(), Duration.ofSeconds(5), Duration.ofSeconds(10));
        state = new ZkClusterState(connection.client(), Clock.systemUTC());
        documents = new ZkAppDocuments(state.view());
    }

    @AfterEach
    void stop() {
        state.close();
        connection.close();
        server.close();
    }

    @Test
    void aDocumentIsWrittenReplacedReadAndDeleted() {
        state.createApp(shop);
        assertThat(documents.get(shop, "alerts")).isEmpty();
        documents.put(shop, "alerts", "{\"mail\":[\"a@example.com\"]}");
        documents.put(shop, "alerts", "{\"mail\":[\"b@example.com\"]}");
        assertThat(documents.get(shop, "alerts")).contains("{\"mail\":[\"b@example.com\"]}");
        documents.delete(shop, "alerts");
        documents.delete(shop, "alerts");
        assertThat(documents.get(shop, "alerts")).isEmpty();
    }

    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
        state.createApp(shop);
        int writers = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) { // a counter: a lost update would show as a short count
                        documents.update(shop, "route", now -> Optional.of(
                                Integer.toString(now.map(Integer::parseInt).orElse(0) + 1)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(documents.get(shop, "route")).contains(Integer.toString(writers * each));
        assertThat(documents.update(shop, "route", now -> Optional.empty())).isEmpty();
        assertThat(documents.get(shop, "route")).isEmpty();
        assertThatThrownBy(() -> documents.update(AppId.parse("alice/none"), "route", now -> Optional.of("1")))
                .isInstanceOfSatisfying(SkepException.class, e -> assertThat(e.kind()).isEqualTo(SkepException.Kind.NOT_FOUND));
    }

    @Test
    void documentsGoWithTheirAppAndNeedOne() {
        assertThatThrownBy(() -> documents.put(shop, "health", "{}"))
                .isInstanceOfSatisfying(SkepException.class, e -> assertThat(e.kind()).isEqualTo(SkepException.Kind.NOT_FOUND));
        assertThat(state.app(shop)).isEmpty();
        state.createApp(shop);
        documents.put(shop, "health", "{}");
        state.deleteApp(shop);
        state.createApp(shop);
        assertThat(documents.get(shop, "health")).isEmpty();
        assertThat(state.apps()).hasSize(1);
    }

    @Test
    void documentNamesAreSkepsOwnWords() {
        state.createApp(shop);
        assertThatThrownBy(() -> documents.put(shop, "../releases", "{}")).isInstanceOf(IllegalArgumentException.class);
    }
}
