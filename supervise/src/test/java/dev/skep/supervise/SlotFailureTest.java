package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skep.model.EventTypes;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance whose run dir cannot be made (a full disk in CI; here the run/ folder replaced by a file): it used to
 * end at once and be started again by the next reconcile, dozens of times a second, while the deploy waited its
 * whole timeout for a status that never came. Now it is FAILED at once, saying why, and tries again with back-off.
 */
class SlotFailureTest {

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
    void aDeploysInstanceWithoutARunDirIsFailedSayingWhyAndStartsOnceItCan() throws Exception {
        h.start();
        Path run = dataDir.toAbsolutePath().resolve("run");
        Files.delete(run); // empty: the agent has run nothing yet
        Files.writeString(run, "in the way");

        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        InstanceStatus failed = h.awaitState(id, InstanceState.FAILED, Duration.ofSeconds(10));
        assertThat(failed.message()).startsWith("could not prepare the instance on " + AgentHarness.AGENT + ": ")
                .contains(run.toString());
        Thread.sleep(1500);
        assertThat(h.events(EventTypes.INSTANCE_STOPPED, id)).as("it waits, it does not end and start again").isEmpty();

        Files.delete(run);
        Files.createDirectories(run);
        InstanceStatus ready = h.awaitState(id, InstanceState.READY, Duration.ofSeconds(20));
        assertThat(h.get(ready.port(), "/")).startsWith("hello from " + id);
    }

    @Test
    void aWithdrawnInstanceThatNeverHadASlotJustGoes() throws Exception {
        h.start();
        Path run = dataDir.toAbsolutePath().resolve("run");
        Files.delete(run);
        Files.writeString(run, "in the way");
        String id = h.assign("hello", AgentHarness.fixture("hello"), "server.js");
        h.awaitState(id, InstanceState.FAILED, Duration.ofSeconds(10));

        h.unassign(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.status(id).isEmpty());
    }
}
