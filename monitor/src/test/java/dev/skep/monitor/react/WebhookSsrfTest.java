package dev.skep.monitor.react;

import com.sun.net.httpserver.HttpServer;
import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.monitor.net.Destinations;
import dev.skep.monitor.net.PinnedPost;
import dev.skep.monitor.rules.Alert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10 #6: a tenant's webhook must not reach this host or the internal network, and {@code alerts test} must
 * not tell it, port by port, what answered.
 */
class WebhookSsrfTest {

    static final AppId APP = new AppId("mallory", "scan");
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    final List<String> hosts = new CopyOnWriteArrayList<>();
    final List<Event> events = new CopyOnWriteArrayList<>();
    HttpServer receiver;
    ServerSocket notHttp;
    ServerSocket tarpit;
    int closedPort;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.createContext("/error", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        receiver.start();
        notHttp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // like ZooKeeper: answers, not HTTP
        Thread.ofVirtual().start(() -> {
            while (!notHttp.isClosed()) {
                try (Socket s = notHttp.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("imok".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        tarpit = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws Exception {
        receiver.stop(0);
        notHttp.close();
        tarpit.close();
    }

    String hook() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    AppWebhooks webhooks(Destinations tenant, AppWebhooks.Target target) {
        return new AppWebhooks(app -> List.of(target), app -> SECRET, null, tenant, new RetryPolicy(2,
                Duration.ofMillis(50), Duration.ofMillis(50)), events::add, Clock.systemUTC());
    }

    static Alert alert() {
        return new Alert("test", "test", APP, null, Alert.Status.FIRING, Instant.now(), Instant.now(), "test alert",
                List.of());
    }

    static Map<String, String> test(AppWebhooks hooks) {
        return TestAlert.send(APP, List.of(hooks), reactor -> null, Clock.systemUTC());
    }

    @Test
    void aTenantsWebhookToLoopbackIsNeverSentAndItsTestSaysOnlyThatDeliveryFailed() {
        AppWebhooks hooks = webhooks(Destinations.publicOnly(List.of()), new AppWebhooks.Target(URI.create(hook()), false));
        assertThat(test(hooks)).containsEntry("webhook", "failed: delivery failed for 1 of 1 webhooks");
        hooks.deliver(alert());
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
        assertThat(hosts).as("nothing reached the loopback receiver").isEmpty();
        assertThat(events).extracting(Event::message).allSatisfy(m -> assertThat(m)
                .startsWith("webhook delivery to " + hook() + " failed for alert test").doesNotContain("loopback"));
        hooks.close();
    }

    @Test
    void theAdminsOwnInstallWideWebhookMayBeInternal() {
        AppWebhooks hooks = webhooks(Destinations.publicOnly(List.of()), new AppWebhooks.Target(URI.create(hook()), true));
        assertThat(test(hooks)).containsEntry("webhook", "sent");
        assertThat(hosts).hasSize(1);
        hooks.close();
    }

    @Test
    void evenWhereAnAdminAllowedInternalReceiversTheTestDoesNotTellWhichPortsAnswer() {
        // before: "connection refused", "answered 500", "timed out", ... per target: a port scanner
        Destinations allowing = Destinations.publicOnly("127.0.0.0/8");
        int port = receiver.getAddress().getPort();
        for (String url : List.of("http://127.0.0.1:" + closedPort + "/", "http://127.0.0.1:" + port + "/error",
                "http://127.0.0.1:" + port + "/nothing-here", "http://127.0.0.1:" + notHttp.getLocalPort() + "/",
                "http://127.0.0.1:" + tarpit.getLocalPort() + "/")) {
            AppWebhooks hooks = webhooks(allowing, new AppWebhooks.Target(URI.create(url), false));
            assertThat(test(hooks)).as(url).containsEntry("webhook", "failed: delivery failed for 1 of 1 webhooks");
            hooks.close();
        }
        AppWebhooks hooks = webhooks(allowing, new AppWebhooks.Target(URI.create(hook()), false));
        assertThat(test(hooks)).containsEntry("webhook", "sent");
        hooks.close();
    }

    @Test
    void theConnectionGoesToTheCheckedAddressWhileHostNamesTheUrlsHost() throws Exception {
        // pinned: the name is never looked up again (it could rebind to 127.0.0.1 between check and connect)
        int port = receiver.getAddress().getPort();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        int status = PinnedPost.post(URI.create("http://hooks.example.invalid:" + port + "/hook"),
                InetAddress.getLoopbackAddress(), headers, "{}".getBytes(StandardCharsets.UTF_8),
                WebhookConfig.DEFAULT_TIMEOUTS);
        assertThat(status).isEqualTo(204);
        assertThat(hosts).containsExactly("hooks.example.invalid:" + port);
    }
}
