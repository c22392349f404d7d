package dev.skep.deploy.slug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.skep.deploy.Tarball;
import dev.skep.deploy.intake.UploadLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's slug store against a real HTTP controller that is briefly unable to give the slug (503, as while it
 * restarts): each failed fetch is an error the caller retries (the agent does, with back-off), nothing half-fetched
 * is kept, and the first fetch that gets an answer puts the slug in place.
 */
class RemoteSlugStoreTest {

    static final String SLUG = "alice.hello.0123456789ab";

    @TempDir
    Path dir;

    private HttpServer controller;

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.stop(0);
        }
    }

    @Test
    void aControllerBrieflyUnableToServeTheSlugFailsEachFetchCleanlyUntilItCan() throws Exception {
        byte[] slug = Tarball.create().file("server.js", "require('http').createServer().listen(process.env.PORT);\n")
                .bytes();
        AtomicInteger asked = new AtomicInteger();
        controller = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        controller.createContext("/v1/slugs/", exchange -> {
            boolean away = asked.incrementAndGet() <= 2;
            boolean token = ("Bearer cluster-token").equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = away ? "{\"error\": \"starting\"}".getBytes() : token ? slug : new byte[0];
            exchange.sendResponseHeaders(away ? 503 : token ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        controller.start();
        String url = "http://127.0.0.1:" + controller.getAddress().getPort();
        LocalSlugStore local = new LocalSlugStore(dir.resolve("slugs"));
        RemoteSlugStore store = new RemoteSlugStore(local, () -> List.of(url), () -> "cluster-token",
                new UploadLimits(1L << 30, 4L << 30, 500_000));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> store.checkout(SLUG)).isInstanceOf(IOException.class)
                    .hasMessageContaining("answered 503 for slug " + SLUG);
            assertThat(local.contains(SLUG)).isFalse();
            try (var left = Files.list(dir.resolve("slugs"))) {
                assertThat(left).as("no download or half-unpacked dir is left behind").isEmpty();
            }
        }
        Path fetched = store.checkout(SLUG);
        assertThat(fetched.resolve("server.js")).exists();
        assertThat(asked.get()).isEqualTo(3);
        assertThat(store.checkout(SLUG)).as("kept: not fetched again").isEqualTo(fetched);
        assertThat(asked.get()).isEqualTo(3);
    }
}
