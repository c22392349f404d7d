package dev.skep.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AgentTest {

    @TempDir
    Path dataDir;

    private AgentHarness h;

    @BeforeEach
    void setUp() {
        h = new AgentHarness(dataDir);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        h.close();
    }

    @Test
    void helloGetsReadyAnswersOnItsPortAndItsOutputIsLogged() throws Exception {
        Agent agent = h.start();
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");

        InstanceStatus ready = h.awaitState(id, InstanceState.READY);

        assertThat(ready.port()).isBetween(31000, 31999);
        assertThat(ready.host()).isEqualTo("127.0.0.1");
        assertThat(ready.agent()).isEqualTo(AgentHarness.AGENT);
        assertThat(h.get(ready.port(), "/")).isEqualTo("hello from " + id + " pid " + ready.pid() + "\n");
        assertThat(h.events(EventTypes.INSTANCE_STARTED, id)).hasSize(1);
        assertThat(h.events(EventTypes.INSTANCE_READY, id)).singleElement()
                .satisfies(e -> assertThat(e.host()).isEqualTo("127.0.0.1"));
        await().untilAsserted(() -> assertThat(agent.logs().tail(id, 10)).anySatisfy(line ->
                assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z stdout listening on "
                        + ready.port())));
        assertThat(Files.exists(dataDir.resolve("instances").resolve(id + ".json"))).isTrue();
    }

    @Test
    void aWorkerRunsWithoutAPortCheckIsReadyByRunningAndIsRestartedLikeWeb() throws Exception {
        Agent agent = h.start();
        String id = h.assignProcess("workers", AgentHarness.fixture("procfile-worker"), "worker",
                List.of("node", "worker.js"));
        assertThat(InstanceIds.process(id)).isEqualTo("worker.1");

        InstanceStatus ready = h.awaitState(id, InstanceState.READY);
        assertThat(h.events(EventTypes.INSTANCE_READY, id)).hasSize(1);
        await().untilAsserted(() -> assertThat(agent.logs().tail(id, 10))
                .anySatisfy(line -> assertThat(line).endsWith("stdout worker heartbeat 2")));

        ProcessTree.stat(ready.pid()).orElseThrow();
        new ProcessBuilder("kill", "-9", Long.toString(ready.pid())).start().waitFor();
        await().atMost(Duration.ofSeconds(30)).until(() -> h.status(id)
                .map(s -> s.state() == InstanceState.READY && s.pid() != ready.pid() && s.restarts() == 1).orElse(false));
    }

    @Test
    void aWorkerThatDiesAsItLoadsFailsItsFirstStart() throws Exception {
        h.start();
        String id = h.assignProcess("workers", AgentHarness.fixture("procfile-worker"), "worker",
                List.of("node", "-e", "process.exit(2)"));
        InstanceStatus failed = h.awaitState(id, InstanceState.FAILED);
        assertThat(failed.lastExit()).isEqualTo("code 2");
    }

    @Test
    void theAppSeesOnlyTheReleaseEnvAndWhatSkepSets() throws Exception {
        h.start();
        String id = h.assign("env", AgentHarness.testApp("env-dump"), List.of("node", "server.js"),
                Map.of("GREETING", "hi", "DATABASE_URL", "postgres://x"));
        InstanceStatus ready = h.awaitState(id, InstanceState.READY);

        JsonNode dump = InstanceStore.JSON.readTree(h.get(ready.port(), "/"));
        Map<String, String> env = new HashMap<>();
        dump.get("env").fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        Path appDir = dataDir.resolve("work").resolve(id).resolve("app"); // its own writable copy, not the slug

        assertThat(env).isEqualTo(Map.ofEntries(
                Map.entry("GREETING", "hi"), Map.entry("DATABASE_URL", "postgres://x"),
                Map.entry("PORT", Integer.toString(ready.port())), Map.entry("NODE_ENV", "production"),
                Map.entry("npm_config_update_notifier", "false"), // no registry call at each start
                Map.entry("SKEP_APP", "alice/env"), Map.entry("SKEP_RELEASE", "1"), Map.entry("SKEP_INSTANCE", id),
                Map.entry("SKEP_PROCESS", "web.1"),
                Map.entry("PATH", appDir.resolve("node_modules/.bin") + ":" + AgentHarness.NODE.getParent()
                        + ":/usr/local/bin:/usr/bin:/bin"),
                Map.entry("HOME", appDir.toString())));
        for (String key : System.getenv().keySet()) {
            if (!key.equals("PATH") && !key.equals("HOME")) {
                assertThat(env).as("the agent's own env must not leak").doesNotContainKey(key);
            }
        }
        assertThat(dump.get("pid").asLong()).as("setsid execs in place").isEqualTo(ready.pid());
        assertThat(ProcessTree.stat(ready.pid()).orElseThrow().pgrp()).as("own process group").isEqualTo(ready.pid());
        if (AppUsers.runningAsRoot()) {
            assertThat(dump.get("uid").asInt()).isGreaterThanOrEqualTo(AppUsers.BASE);
            assertThat(dump.get("gid").asInt()).isEqualTo(dump.get("uid").asInt());
            Path runDir = dataDir.resolve("run").resolve(id);
            assertThat(Files.getAttribute(runDir, "unix:uid")).isEqualTo(dump.get("uid").asInt());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runDir))).isEqualTo("rwx------");
        }
    }

    @Test
    void anInstanceRunsWithTheNodeItsReleaseNamesFromTheHostsCache() throws Exception {
        AgentConfig config = h.config().withNodeCache(dataDir.resolve("node-cache"));
        // a release this host has cached (as a deploy or an earlier start left it): a wrapper that
        // marks the environment, so the app can tell which binary started it
        Path bin = Files.createDirectories(config.nodeCache().resolve("99.1.0/bin"));
        Path node = bin.resolve("node");
        Files.writeString(node, "#!/bin/sh\nexport RAN_WITH_NODE=99.1.0\nexec " + AgentHarness.NODE + " \"$@\"\n");
        for (Path p = node; !p.equals(dataDir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        h.start(config);
        String id = h.assign("nv", AgentHarness.testApp("env-dump"), List.of("node", "server.js"), Map.of(), "99.1.0");

        InstanceStatus ready = h.awaitState(id, InstanceState.READY);

        JsonNode env = InstanceStore.JSON.readTree(h.get(ready.port(), "/")).get("env");
        assertThat(env.get("RAN_WITH_NODE").asText()).isEqualTo("99.1.0");
        // the app's own .bin (in the instance's working copy of the slug), then the release's node
        String[] path = env.get("PATH").asText().split(":", 2);
        assertThat(path[0]).endsWith("/app/node_modules/.bin").startsWith(dataDir.resolve("work").toString());
        assertThat(path[1]).isEqualTo(bin + ":/usr/local/bin:/usr/bin:/bin");
    }

    @Test
    void aCrashedInstanceIsRestartedAtOnceOnTheSamePort() throws Exception {
        h.start();
        String id = h.assign("crashy", AgentHarness.fixture("crash-after-request"), "server.js");
        InstanceStatus first = h.awaitState(id, InstanceState.READY);

        long crashed = System.nanoTime();
        h.getAndDrop(first.port(), "/crash");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> h.status(id)
                .filter(s -> s.state() == InstanceState.READY && s.pid() != first.pid()).isPresent());
        long recoveredMs = (System.nanoTime() - crashed) / 1_000_000;

        InstanceStatus second = h.status(id).orElseThrow();
        assertThat(second.port()).isEqualTo(first.port());
        assertThat(second.restarts()).isEqualTo(1);
        assertThat(second.lastExit()).isEqualTo("code 7");
        assertThat(h.get(second.port(), "/")).isEqualTo("alive " + second.pid() + "\n");
        assertThat(h.state.history).anySatisfy(s -> assertThat(s.state()).isEqualTo(InstanceState.BACKOFF));
        assertThat(h.events(EventTypes.INSTANCE_EXITED, id)).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("code 7"));
        assertThat(recoveredMs).as("first restart is immediate").isLessThan(3000);
    }

    @Test
    void anInstanceThatKeepsDyingAtStartBacksOffAndReportsACrashLoop(@TempDir Path markers) throws Exception {
        Files.setPosixFilePermissions(markers, PosixFilePermissions.fromString("rwxrwxrwx"));
        h.start();
        String id = h.assign("loop", AgentHarness.testApp("crash-on-restart"), List.of("node", "server.js"),
                Map.of("MARKER", markers.resolve("started-once").toString()));
        InstanceStatus first = h.awaitState(id, InstanceState.READY);

        h.getAndDrop(first.port(), "/crash");

        InstanceStatus loop = h.awaitState(id, InstanceState.CRASH_LOOP);
        assertThat(loop.restarts()).isGreaterThanOrEqualTo(3);
        assertThat(loop.lastExit()).isEqualTo("code 3");
        assertThat(h.events(EventTypes.INSTANCE_CRASH_LOOP, id)).hasSize(1);
        assertThat(h.state.history).filteredOn(s -> s.state() == InstanceState.BACKOFF).isNotEmpty();
        // still retried at the cap (1 s here), never given up
        int restarts = loop.restarts();
        await().atMost(Duration.ofSeconds(10)).until(() -> h.status(id).orElseThrow().restarts() >= restarts + 2);
        assertThat(h.status(id).orElseThrow().port()).isEqualTo(first.port());
        assertThat(h.events(EventTypes.INSTANCE_CRASH_LOOP, id)).as("reported once, not per retry").hasSize(1);
    }

    @Test
    void anInstanceThatDiesOnItsFirstStartFails() {
        h.start();
        String id = h.assign("broken", AgentHarness.fixture("crash-at-start"), "server.js");

        InstanceStatus failed = h.awaitState(id, InstanceState.FAILED);

        assertThat(failed.message()).isEqualTo("exited before it was ready (code 3)");
        assertThat(failed.lastExit()).isEqualTo("code 3");
        assertThat(failed.restarts()).isZero();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> h.status(id).orElseThrow().state() == InstanceState.FAILED);

        h.unassign(id);
        await().until(() -> h.status(id).isEmpty());
    }

    @Test
    void anInstanceThatNeverGetsReadyFailsAfterTheStartTimeout() {
        h.start(h.config().withTimeouts(Duration.ofMillis(1500), Duration.ofSeconds(1)));
        String id = h.assign("slow", AgentHarness.fixture("slow-start"), List.of("node", "app.js"),
                Map.of("SLOW_START_MS", "60000"));

        InstanceStatus failed = h.awaitState(id, InstanceState.FAILED);

        assertThat(failed.message()).startsWith("not ready within");
        assertThat(h.state.history).filteredOn(s -> s.instance().equals(id) && s.pid() > 0)
                .allSatisfy(s -> assertThat(AgentHarness.alive(s.pid())).isFalse());
    }

    @Test
    void anotherProcessListeningOnTheInstancesPortDoesNotMakeItReady() throws Exception {
        h.start(h.config().withTimeouts(Duration.ofMillis(2500), Duration.ofSeconds(1)));
        String id = h.assign("squatted", AgentHarness.fixture("slow-start"), List.of("node", "app.js"),
                Map.of("SLOW_START_MS", "60000"));
        InstanceStatus starting = h.awaitState(id, InstanceState.STARTING, Duration.ofSeconds(5));
        // someone else takes the port the instance was given, before the instance listens on it
        try (ServerSocket squatter = new ServerSocket(starting.port(), 50, InetAddress.getLoopbackAddress())) {
            InstanceStatus failed = h.awaitState(id, InstanceState.FAILED);

            assertThat(failed.message()).startsWith("not ready within");
            assertThat(h.state.history).filteredOn(s -> s.instance().equals(id))
                    .noneMatch(s -> s.state() == InstanceState.READY);
        }
    }

    @Test
    void aSlowStarterBecomesReadyLater() {
        h.start();
        String id = h.assign("slow", AgentHarness.fixture("slow-start"), List.of("node", "app.js"),
                Map.of("SLOW_START_MS", "1500"));

        InstanceStatus starting = h.awaitState(id, InstanceState.STARTING, Duration.ofSeconds(5));
        InstanceStatus ready = h.awaitState(id, InstanceState.READY);

        assertThat(Duration.between(starting.since(), h.state.history.stream()
                .filter(s -> s.instance().equals(id) && s.state() == InstanceState.READY).findFirst().orElseThrow()
                .since())).isZero(); // since = process start for both
        assertThat(ready.pid()).isEqualTo(starting.pid());
        // from the process's start (since), not the started event's time: on a loaded machine that event was written
        // 0.6 s after the process began, and the ready one, polled every few ms, 1.0 s after it
        assertThat(h.events(EventTypes.INSTANCE_READY, id).get(0).time())
                .isAfterOrEqualTo(starting.since().plusMillis(1400));
    }

    @Test
    void anAppThatIgnoresPortIsFoundThroughProc() throws Exception {
        int own;
        try (ServerSocket probe = new ServerSocket(0)) {
            own = probe.getLocalPort();
        }
        h.start();
        String id = h.assign("rebel", AgentHarness.fixture("ignores-port"), List.of("node", "server.js"),
                Map.of("OWN_PORT", Integer.toString(own)));

        InstanceStatus ready = h.awaitState(id, InstanceState.READY);

        assertThat(ready.port()).isEqualTo(own);
        assertThat(ready.message()).contains("ignores PORT").contains(Integer.toString(own));
        assertThat(h.get(own, "/")).isEqualTo("my own port\n");
    }

    @Test
    void stoppingKillsTheWholeProcessTreeEvenWhenItIgnoresSigterm() throws Exception {
        h.start(h.config().withTimeouts(Duration.ofSeconds(20), Duration.ofMillis(800)));
        String id = h.assign("tree", AgentHarness.testApp("spawns-child"), List.of("node", "server.js"),
                Map.of("STUBBORN", "1"));
        InstanceStatus ready = h.awaitState(id, InstanceState.READY);
        JsonNode pids = InstanceStore.JSON.readTree(h.get(ready.port(), "/"));
        long child = pids.get("child").asLong();
        assertThat(AgentHarness.alive(child)).isTrue();

        h.unassign(id);

        await().atMost(Duration.ofSeconds(10)).until(() -> h.status(id).isEmpty());
        assertThat(h.state.history).anySatisfy(s -> assertThat(s.state()).isEqualTo(InstanceState.STOPPING));
        assertThat(AgentHarness.alive(ready.pid())).isFalse();
        assertThat(ProcessTree.stat(ready.pid())).as("our direct child is reaped, no zombie").isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> !AgentHarness.alive(child));
        assertThat(AgentHarness.processesOf(id)).isEmpty();
        assertThat(h.events(EventTypes.INSTANCE_STOPPED, id)).hasSize(1);
        assertThat(Files.exists(dataDir.resolve("instances").resolve(id + ".json"))).isFalse();
    }

    @Test
    void aGracefulStopLetsTheAppHandleSigterm() {
        Agent agent = h.start();
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        h.awaitState(id, InstanceState.READY);

        h.unassign(id);

        await().until(() -> h.status(id).isEmpty());
        await().untilAsserted(() -> assertThat(agent.logs().tail(id, 5))
                .anySatisfy(line -> assertThat(line).endsWith("stdout SIGTERM, bye")));
    }

    @Test
    void restartInPlaceKeepsThePort() {
        Agent agent = h.start();
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        InstanceStatus first = h.awaitState(id, InstanceState.READY);

        agent.restart(id);

        await().until(() -> h.status(id).filter(s -> s.state() == InstanceState.READY && s.pid() != first.pid())
                .isPresent());
        InstanceStatus second = h.status(id).orElseThrow();
        assertThat(second.port()).isEqualTo(first.port());
        assertThat(second.restarts()).isEqualTo(1);
        assertThat(AgentHarness.alive(first.pid())).isFalse();
        assertThat(AgentHarness.processesOf(id)).containsExactly(second.pid());
    }
}
