package dev.skep.monitor.react;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.monitor.net.Destinations;
import dev.skep.monitor.rules.Alert;
import dev.skep.monitor.rules.MonitorEvents;
import dev.skep.monitor.support.Hmac;
import dev.skep.monitor.support.MonitorJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Webhooks against a real local HTTP receiver. */
class WebhookReactorTest {

    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final Alert ALERT = new Alert("heartbeat", "expire", new AppId("alice", "shop"), "alice.shop.3.abc123",
            Alert.Status.FIRING, Instant.parse("2025-01-01T10:00:00Z"), Instant.parse("2025-01-01T10:02:00Z"),
            "no heartbeat from alice.shop.3.abc123 for 2m", List.of());

    record Received(String body, String signature, String event) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    HttpServer server;
    ReactorDispatcher dispatcher;

    @BeforeEach
    void receiver() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failuresLeft.getAndDecrement() > 0 ? 500 : 204;
            received.add(new Received(body, exchange.getRequestHeaders().getFirst("X-Skep-Signature"),
                    exchange.getRequestHeaders().getFirst("X-Skep-Event")));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        WebhookReactor webhook = new WebhookReactor(new WebhookConfig(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"), SECRET,
                null, Destinations.trusted()), "https://skep.test");
        dispatcher = new ReactorDispatcher(List.of(webhook), new RetryPolicy(5, Duration.ofMillis(50),
                Duration.ofMillis(200)), 100, events::add, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        dispatcher.close();
        server.stop(0);
    }

    @Test
    void the_alert_arrives_as_json_signed_with_the_install_secret() throws Exception {
        dispatcher.onAlert(ALERT);
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        Received r = received.get(0);
        assertThat(r.signature()).isEqualTo("sha256=" + Hmac.sha256Hex(SECRET, r.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(r.event()).isEqualTo("alert.fired");
        JsonNode json = MonitorJson.mapper().readTree(r.body());
        assertThat(json.get("status").asText()).isEqualTo("firing");
        assertThat(json.get("rule").asText()).isEqualTo("heartbeat");
        assertThat(json.get("app").asText()).isEqualTo("alice/shop");
        assertThat(json.get("instance").asText()).isEqualTo("alice.shop.3.abc123");
        assertThat(json.get("since").asText()).isEqualTo("2025-01-01T10:00:00Z");
        assertThat(json.get("summary").asText()).startsWith("no heartbeat");
        assertThat(json.get("link").asText()).isEqualTo("https://skep.test/apps/alice/shop");
        assertThat(events).isEmpty();
    }

    @Test
    void a_receiver_that_fails_twice_gets_it_on_the_third_try_with_one_failure_reported() {
        failuresLeft.set(2);
        dispatcher.onAlert(ALERT);
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(received).extracting(Received::body).containsOnly(received.get(0).body()); // same delivery id
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(MonitorEvents.REACTOR_FAILED);
            assertThat(e.data()).containsEntry("reactor", "webhook").containsEntry("gaveUp", "false");
        });
    }

    @Test
    void a_receiver_that_never_recovers_is_given_up_after_the_bounded_attempts() {
        failuresLeft.set(1_000);
        dispatcher.onAlert(ALERT);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
        assertThat(received).hasSize(5);
        assertThat(events.get(1).data()).containsEntry("gaveUp", "true");
    }

    @Test
    void a_rule_that_names_other_reactors_skips_the_webhook() {
        dispatcher.onAlert(new Alert("x", "event", null, null, Alert.Status.FIRING, Instant.EPOCH, Instant.EPOCH,
                "x", List.of("mail")));
        dispatcher.onAlert(ALERT);
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertThat(received.get(0).body()).contains("heartbeat");
    }
}
