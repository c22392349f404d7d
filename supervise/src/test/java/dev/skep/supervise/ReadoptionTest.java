package dev.skep.supervise;

import dev.skep.model.EventTypes;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The agent dies (as far as its apps can tell, closing with keepApps is the same) and comes back. */
class ReadoptionTest {

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

    private AgentConfig keepApps() {
        return h.config().withKeepApps(true);
    }

    @Test
    void aNewAgentAdoptsTheRunningProcessInsteadOfStartingASecond() throws Exception {
        Agent first = h.start(keepApps());
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        InstanceStatus before = h.awaitState(id, InstanceState.READY);

        first.close();
        assertThat(AgentHarness.alive(before.pid())).as("apps outlive the agent").isTrue();
        assertThat(h.get(before.port(), "/")).contains("pid " + before.pid());

        Agent second = h.start(keepApps());

        await().until(() -> !h.events(EventTypes.INSTANCE_ADOPTED, id).isEmpty());
        InstanceStatus after = h.awaitState(id, InstanceState.READY);
        assertThat(after.pid()).isEqualTo(before.pid());
        assertThat(after.port()).isEqualTo(before.port());
        assertThat(AgentHarness.processesOf(id)).containsExactly(before.pid());
        assertThat(h.events(EventTypes.INSTANCE_STARTED, id)).as("no second launch").hasSize(1);

        // the adopted process's output is still captured
        h.get(before.port(), "/");
        second.restart(id); // hello logs "SIGTERM, bye" on a graceful stop
        await().untilAsserted(() -> assertThat(second.logs().tail(id, 20))
                .anySatisfy(line -> assertThat(line).endsWith("stdout SIGTERM, bye")));
        await().until(() -> h.status(id).filter(s -> s.state() == InstanceState.READY && s.pid() != before.pid())
                .isPresent());
        assertThat(AgentHarness.processesOf(id)).hasSize(1);
    }

    /**
     * An agent closed with its apps kept (a `--keep-apps` stop) stops making spare disk images: made on, they were
     * written beside the next agent's own (the same files) and into a data dir being deleted.
     */
    @Test
    void anAgentClosedWithItsAppsKeptMakesNoMoreSpareImages() throws Exception {
        Agent agent = h.start(keepApps()); // its spares are being made now
        agent.close();
        Path disks = new AgentLayout(h.config().dataDir()).disks();
        assumeTrue(Files.isDirectory(disks), "no loop disks here (needs root and overlay)");
        Set<String> atClose = names(disks);
        Thread.sleep(2_000); // a spare takes 0.1-0.5 s to make
        assertThat(names(disks)).isEqualTo(atClose).noneMatch(name -> name.endsWith(".part"));
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void anAdoptedProcessThatDiesIsRestartedPromptly() throws Exception {
        Agent first = h.start(keepApps());
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        InstanceStatus before = h.awaitState(id, InstanceState.READY);
        first.close();
        h.start(keepApps());
        h.awaitState(id, InstanceState.READY);
        await().until(() -> !h.events(EventTypes.INSTANCE_ADOPTED, id).isEmpty());

        ProcessTree.signalGroup(before.pid(), "KILL");

        await().atMost(Duration.ofSeconds(5)).until(() -> h.status(id)
                .filter(s -> s.state() == InstanceState.READY && s.pid() != before.pid()).isPresent());
        InstanceStatus after = h.status(id).orElseThrow();
        assertThat(after.port()).isEqualTo(before.port());
        assertThat(after.restarts()).isEqualTo(1);
    }

    @Test
    void anInstanceThatDiedWhileTheAgentWasDownIsStartedAgain() throws Exception {
        Agent first = h.start(keepApps());
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        InstanceStatus before = h.awaitState(id, InstanceState.READY);
        first.close();

        ProcessTree.signalGroup(before.pid(), "KILL");
        await().until(() -> !AgentHarness.alive(before.pid()));

        h.start(keepApps());

        await().until(() -> h.status(id).filter(s -> s.state() == InstanceState.READY && s.pid() != before.pid())
                .isPresent());
        InstanceStatus after = h.status(id).orElseThrow();
        assertThat(after.port()).as("keeps its port when free").isEqualTo(before.port());
        assertThat(h.events(EventTypes.INSTANCE_ADOPTED, id)).isEmpty();
        assertThat(AgentHarness.processesOf(id)).containsExactly(after.pid());
    }

    @Test
    void anInstanceUnassignedWhileTheAgentWasDownIsStoppedAndForgotten() throws Exception {
        Agent first = h.start(keepApps());
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        InstanceStatus before = h.awaitState(id, InstanceState.READY);
        first.close();
        h.unassign(id);

        h.start(keepApps());

        await().atMost(Duration.ofSeconds(10)).until(() -> !AgentHarness.alive(before.pid()));
        await().until(() -> h.status(id).isEmpty());
        assertThat(Files.exists(dataDir.resolve("instances").resolve(id + ".json"))).isFalse();
    }

    @Test
    void closingWithoutKeepAppsStopsEverything() {
        Agent agent = h.start();
        String a = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        String b = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        InstanceStatus ra = h.awaitState(a, InstanceState.READY);
        InstanceStatus rb = h.awaitState(b, InstanceState.READY);
        assertThat(ra.port()).isNotEqualTo(rb.port());

        agent.close();

        assertThat(AgentHarness.alive(ra.pid())).isFalse();
        assertThat(AgentHarness.alive(rb.pid())).isFalse();
        assertThat(h.status(a)).isEmpty();
        assertThat(h.status(b)).isEmpty();
    }
}
