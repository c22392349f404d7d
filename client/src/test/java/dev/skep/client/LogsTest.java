package dev.skep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogsTest {

    private static final AppId SHOP = AppId.parse("alice/shop");
    private static final String LOGS = "/v1/apps/alice/shop/logs";
    private static final String LINE_1 = "2026-11-26T01:02:03.456Z alice.shop.3.ab12cd stdout hello";
    private static final String LINE_2 = "2026-11-26T01:02:04.000Z alice.shop.3.ab12cd stderr oops";

    private final FakeSkep fake = new FakeSkep();
    private final SkepClient client = new SkepClient(fake.uri(), FakeSkep.TOKEN);

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    @Test
    void readsTheTailOfTheLog() {
        fake.on("GET", LOGS, 200, LINE_1 + "\n" + LINE_2 + "\n");

        assertThat(client.logs(SHOP, 2)).containsExactly(LINE_1, LINE_2);
        assertThat(fake.last().query()).isEqualTo("follow=false&tail=2");
    }

    @Test
    void followingHandsOverEachLineAsItArrives() throws InterruptedException {
        CountDownLatch firstSeen = new CountDownLatch(1);
        fake.on("GET", LOGS, (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "text/plain")) {
                FakeSkep.writeLine(out, LINE_1);
                // the second line is only written once the client has shown the first: it streams
                if (!firstSeen.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("the client did not see the first line while the stream was open");
                }
                FakeSkep.writeLine(out, LINE_2);
            }
        });
        List<String> seen = new CopyOnWriteArrayList<>();

        client.followLogs(SHOP, 10, line -> {
            seen.add(line);
            firstSeen.countDown();
        });

        assertThat(seen).containsExactly(LINE_1, LINE_2);
        assertThat(fake.last().query()).isEqualTo("follow=true&tail=10");
    }

    @Test
    void closingTheStreamHangsUp() {
        fake.on("GET", LOGS, (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "text/plain")) {
                for (int i = 0; i < 1000; i++) {
                    FakeSkep.writeLine(out, LINE_1);
                    Thread.sleep(10); // a slow app log that never ends by itself
                }
            }
        });

        try (Stream<String> lines = client.logs(SHOP, null, true)) {
            assertThat(lines.findFirst()).contains(LINE_1);
        }
        assertThat(fake.last().query()).isEqualTo("follow=true");
    }

    @Test
    void anUnknownAppIsAnApiException() {
        fake.on("GET", LOGS, 404, "{\"error\":\"no app alice/shop\"}");

        assertThatThrownBy(() -> client.followLogs(SHOP, 10, line -> { }))
                .isInstanceOfSatisfying(SkepApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
}
