package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.SlugStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slug source that is away for a while (its controller restarting, a 404 from a controller that lacks it): the
 * instance waits, retrying with back-off, and starts once the slug can be had, instead of staying FAILED.
 */
class SlugFetchRetryTest {

    @TempDir
    Path dataDir;

    private AgentHarness h;
    /** While true the source answers as a controller that is down would. */
    private final AtomicBoolean away = new AtomicBoolean(true);
    private final List<Long> attempts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        h = new AgentHarness(dataDir);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        h.close();
    }

    private SlugStore flaky() {
        return slug -> {
            attempts.add(System.nanoTime());
            if (away.get()) {
                throw new IOException("controller http://127.0.0.1:9 answered 503 for slug " + slug);
            }
            return h.slugs.checkout(slug);
        };
    }

    @Test
    void anInstanceWaitsOutAnUnavailableSlugSourceAndStartsWhenItIsBack() throws Exception {
        h.start(h.config(), AgentHooks.none(), flaky());
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() >= 3);
        InstanceStatus waiting = h.status(id).orElseThrow();
        assertThat(waiting.state()).isEqualTo(InstanceState.STARTING);
        assertThat(waiting.message()).startsWith("fetching its slug failed (controller http://127.0.0.1:9 answered 503");
        // back-off: each wait at least as long as the one before (0.5 s, 1 s, ...)
        long first = attempts.get(1) - attempts.get(0);
        long second = attempts.get(2) - attempts.get(1);
        assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(450).toNanos());
        assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(950).toNanos());

        away.set(false);
        InstanceStatus ready = h.awaitState(id, InstanceState.READY, Duration.ofSeconds(20));
        assertThat(h.get(ready.port(), "/")).startsWith("hello from " + id);
    }

    @Test
    void anInstanceWithdrawnWhileItWaitsForItsSlugJustStops() {
        h.start(h.config(), AgentHooks.none(), flaky());
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() >= 2);

        h.unassign(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.status(id).isEmpty());
        int tried = attempts.size();
        away.set(false);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> attempts.size() == tried);
    }
}
