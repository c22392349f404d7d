package dev.skep.monitor.react;

import com.sun.net.httpserver.HttpServer;
import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.monitor.net.Destinations;
import dev.skep.monitor.rules.Alert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10 #5: one tenant's webhooks at a tarpit (accepts, never answers) must not delay another app's alert.
 * Before, one worker delivered every URL in turn with 10 s timeouts and slept between retries: 20 such URLs held
 * another app's alert for over 184 s.
 */
class WebhookIsolationTest {

    static final AppId TARPITTED = new AppId("mallory", "tarpit");
    static final AppId OTHER = new AppId("alice", "shop");
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    final List<Socket> held = new CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<Event> events = new CopyOnWriteArrayList<>();
    ServerSocket tarpit;
    Thread acceptor;
    HttpServer receiver;
    ReactorDispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        tarpit = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!tarpit.isClosed()) {
                try {
                    held.add(tarpit.accept()); // and never answer
                    accepted.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (dispatcher != null) {
            dispatcher.close();
        }
        receiver.stop(0);
        tarpit.close();
        for (Socket s : held) {
            s.close();
        }
    }

    AppWebhooks webhooks(int count) {
        List<AppWebhooks.Target> tarpits = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tarpits.add(new AppWebhooks.Target(URI.create("http://127.0.0.1:" + tarpit.getLocalPort() + "/t" + i), false));
        }
        AppWebhooks.Target good = new AppWebhooks.Target(
                URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"), false);
        // the admin allowed loopback receivers here, so the tarpit is reached and really hangs
        return new AppWebhooks(app -> app.equals(TARPITTED) ? tarpits : List.of(good), app -> SECRET, null,
                Destinations.publicOnly("127.0.0.0/8"), RetryPolicy.defaults(), events::add, Clock.systemUTC());
    }

    static Alert alert(AppId app, String rule) {
        return new Alert(rule, "event", app, null, Alert.Status.FIRING, Instant.now(), Instant.now(), rule + " fired",
                List.of());
    }

    @Test
    void anotherAppsAlertArrivesWithinSecondsWhileTwentyTarpitWebhooksHang() {
        dispatcher = new ReactorDispatcher(List.of(webhooks(20)), RetryPolicy.defaults(), 100, events::add,
                Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            dispatcher.onAlert(alert(TARPITTED, "crash" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() > 0); // the tarpit holds deliveries now
        long sent = System.nanoTime();
        dispatcher.onAlert(alert(OTHER, "heartbeat"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
        assertThat(received.getFirst()).contains("\"app\":\"alice/shop\"");
        // the tarpitted app has at most a few deliveries in flight at once, however many URLs it names
        assertThat(accepted.get()).isLessThanOrEqualTo(AppWebhooks.PARALLEL_PER_APP);
    }

    @Test
    void aTestAlertToATarpitEndsWithinTheTotalTimeoutAndSaysOnlyThatDeliveryFailed() throws Exception {
        AppWebhooks hooks = webhooks(AppWebhooks.PARALLEL_PER_APP);
        long start = System.nanoTime();
        assertThatThrownBy(() -> hooks.test(alert(TARPITTED, "test"))).isInstanceOf(DeliveryFailed.class)
                .hasMessage("delivery failed for 4 of 4 webhooks");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // in parallel, each cut at the 5 s total timeout: never 4 x 10 s one after another
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(4)).isLessThan(Duration.ofSeconds(20));
        hooks.close();
    }
}
