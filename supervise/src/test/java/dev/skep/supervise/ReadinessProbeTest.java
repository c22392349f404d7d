package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.skep.model.HealthCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadinessProbeTest {

    private HttpServer server;
    private final AtomicInteger rootStatus = new AtomicInteger(200);
    private final AtomicInteger healthStatus = new AtomicInteger(200);

    private int serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            int status = exchange.getRequestURI().getPath().equals("/health") ? healthStatus.get() : rootStatus.get();
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void withoutAHealthPathTheRootMustAnswerWithoutA5xx() throws IOException {
        int port = serve();
        assertThat(ReadinessProbe.check(null, port).healthy()).isTrue();
        rootStatus.set(404); // an API with nothing at / still serves
        assertThat(ReadinessProbe.check(null, port).healthy()).isTrue();
        rootStatus.set(503);
        HealthProbe.Result result = ReadinessProbe.check(HealthCheck.tcp(), port);
        assertThat(result.healthy()).isFalse();
        assertThat(result.why()).isEqualTo("GET / answered 503");
    }

    @Test
    void aHealthPathIsAskedInsteadOfTheRoot() throws IOException {
        int port = serve();
        rootStatus.set(500);
        assertThat(ReadinessProbe.check(HealthCheck.http("/health"), port).healthy()).isTrue();
        healthStatus.set(404); // the health path must answer 2xx/3xx, as every later check
        assertThat(ReadinessProbe.check(HealthCheck.http("/health"), port).why()).isEqualTo("GET /health answered 404");
    }

    @Test
    void aListenerThatNeverSpeaksHttpIsNotReady() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    silent.accept().close(); // accepts, then hangs up without a word
                } catch (IOException ignored) {
                    // closed by the test
                }
            });
            HealthProbe.Result result = ReadinessProbe.check(null, silent.getLocalPort());
            assertThat(result.healthy()).isFalse();
            assertThat(result.why()).startsWith("GET / ");
        }
    }

    @Test
    void statusesThatServe() {
        assertThat(ReadinessProbe.serves(200)).isTrue();
        assertThat(ReadinessProbe.serves(302)).isTrue();
        assertThat(ReadinessProbe.serves(401)).isTrue();
        assertThat(ReadinessProbe.serves(500)).isFalse();
        assertThat(ReadinessProbe.serves(599)).isFalse();
        assertThat(ReadinessProbe.serves(-1)).isFalse();
    }
}
