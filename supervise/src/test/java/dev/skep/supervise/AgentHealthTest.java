package dev.skep.supervise;

import dev.skep.model.EventTypes;
import dev.skep.model.HealthCheck;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health checks: an instance that fails them leaves READY at once, comes back when it recovers, or is restarted. */
class AgentHealthTest {

    @TempDir
    Path dataDir;

    private AgentHarness h;

    @AfterEach
    void tearDown() throws InterruptedException {
        h.close();
    }

    /** A port range of its own: the harness's default range is shared with AgentTest (and other checkouts). */
    private AgentConfig config() {
        return h.config().withPorts(33700, 33799);
    }

    @Test
    void aFailingInstanceTurnsUnhealthyWhileItsSiblingStaysReadyAndComesBackWhenItRecovers() throws Exception {
        h = new AgentHarness(dataDir);
        AtomicReference<HealthCheck> check = new AtomicReference<>(new HealthCheck("/health",
                Duration.ofMillis(200), Duration.ofMillis(500), 2, Duration.ofSeconds(3)));
        h.start(config(), new AgentHooks(instance -> Map.of("BEAT_MS", "60000"), app -> check.get()));
        String sick = h.assign("beats", AgentHarness.fixture("beats"), "server.js");
        String sibling = h.assign("beats", AgentHarness.fixture("beats"), "server.js");
        InstanceStatus first = h.awaitState(sick, InstanceState.READY);
        h.awaitState(sibling, InstanceState.READY);

        h.get(first.port(), "/sick");
        long turned = System.nanoTime();
        h.awaitState(sick, InstanceState.UNHEALTHY, Duration.ofSeconds(3));
        long unhealthyAfterMs = (System.nanoTime() - turned) / 1_000_000;
        assertThat(unhealthyAfterMs).as("2 failures at 200 ms").isLessThan(2_000);
        assertThat(h.status(sibling).orElseThrow().state()).isEqualTo(InstanceState.READY);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(h.events(EventTypes.HEALTH_FAILED, sick))
                .singleElement().satisfies(e -> assertThat(e.message()).contains("GET /health answered 503")));

        h.get(first.port(), "/well");
        InstanceStatus back = h.awaitState(sick, InstanceState.READY, Duration.ofSeconds(3));
        assertThat(back.pid()).as("recovered, not restarted").isEqualTo(first.pid());
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(h.events(EventTypes.HEALTH_RECOVERED, sick)).hasSize(1));
        assertThat(h.events(EventTypes.HEALTH_FAILED, sibling)).isEmpty();
    }

    @Test
    void anInstanceThatStaysUnhealthyIsRestartedAfterTheGrace() throws Exception {
        h = new AgentHarness(dataDir);
        HealthCheck check = new HealthCheck("/health", Duration.ofMillis(200), Duration.ofMillis(500), 2,
                Duration.ofSeconds(2));
        h.start(config(), new AgentHooks(instance -> Map.of(), app -> check));
        String id = h.assign("beats", AgentHarness.fixture("beats"), "server.js");
        InstanceStatus first = h.awaitState(id, InstanceState.READY);

        h.get(first.port(), "/sick");
        h.awaitState(id, InstanceState.UNHEALTHY, Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> h.status(id)
                .filter(s -> s.state() == InstanceState.READY && s.pid() != first.pid()).isPresent());
        InstanceStatus restarted = h.status(id).orElseThrow();
        assertThat(restarted.restarts()).isEqualTo(1);
        assertThat(restarted.lastExit()).startsWith("restarted: unhealthy for");
        assertThat(h.get(restarted.port(), "/health")).isEqualTo("ok\n");
    }

    @Test
    void hookVariablesReachTheAppAndAnAnsweringHealthPathMakesItReady() throws Exception {
        h = new AgentHarness(dataDir);
        h.start(config(), new AgentHooks(instance -> Map.of("EXTRA", "from-hook"),
                app -> HealthCheck.http("/missing-but-200")));
        String id = h.assign("beats", AgentHarness.fixture("beats"), List.of("node", "server.js"), Map.of());
        InstanceStatus ready = h.awaitState(id, InstanceState.READY);
        assertThat(h.get(ready.port(), "/")).startsWith("beats from " + id);
        assertThat(AgentHarness.processesOf(id)).singleElement().satisfies(pid -> assertThat(
                Files.readString(Path.of("/proc", pid.toString(), "environ")))
                .contains("EXTRA=from-hook\0"));
    }
}
