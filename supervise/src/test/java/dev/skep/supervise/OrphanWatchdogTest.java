package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog loop with real processes: it stops a watched process group once the lease is stale, not before. */
class OrphanWatchdogTest {

    @TempDir
    Path dir;

    private Process app;
    private OrphanWatchdog watchdog;

    @AfterEach
    void cleanUp() {
        if (app != null) {
            app.destroyForcibly();
        }
        if (watchdog != null) {
            watchdog.close();
        }
    }

    /** An "app" in a session (and process group) of its own, with a child in its group, as Launcher starts one. */
    private Process startApp() throws Exception {
        return new ProcessBuilder(Launcher.SETSID, "/bin/sh", "-c", "sleep 300 & sleep 300").start();
    }

    @Test
    void aStaleLeaseStopsTheWatchedProcessGroupAndAFreshOneDoesNot() throws Exception {
        app = startApp();
        long pid = app.pid();
        await().until(() -> ProcessTree.startTime(pid) > 0);
        watchdog = new OrphanWatchdog(dir.resolve("orphan-stop"), Duration.ofSeconds(1), Duration.ofSeconds(1));
        watchdog.start();
        watchdog.watch("alice.web.1.web.1.abc123", pid, ProcessTree.startTime(pid));
        long child = await().until(() -> ProcessHandle.of(pid).flatMap(p -> p.children().findFirst())
                .map(ProcessHandle::pid).orElse(0L), c -> c > 0);

        long stale = 0;
        for (int i = 0; i < 4; i++) { // renewed: 4 s, twice the bound and more, and it runs on
            watchdog.renew();
            stale = System.nanoTime(); // after the last one, the agent is gone: nobody renews
            Thread.sleep(1_000);
        }
        assertThat(app.isAlive()).as("renewed lease").isTrue();

        await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(100)).until(() -> !app.isAlive());
        long since = stale;
        System.out.printf("orphan watchdog: stopped %d ms after the last renewal (bound 1 s)%n",
                Duration.ofNanos(System.nanoTime() - since).toMillis());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
        // the loop writes its last line after it saw the group gone: a moment after the test sees it too
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(Files.readString(dir.resolve("orphan-stop/watchdog.log")))
                        .contains("event=orphan.signal signal=TERM instance=alice.web.1.web.1.abc123 pid=" + pid)
                        .contains("event=orphan.stopped"));
    }

    @Test
    void aPidReusedByAnotherProcessIsLeftAlone() throws Exception {
        app = startApp();
        long pid = app.pid();
        await().until(() -> ProcessTree.startTime(pid) > 0);
        watchdog = new OrphanWatchdog(dir.resolve("orphan-stop"), Duration.ofSeconds(1), Duration.ofSeconds(1));
        watchdog.start();
        watchdog.watch("alice.web.1.web.1.abc123", pid, ProcessTree.startTime(pid) + 1); // another process's start time
        await().atMost(Duration.ofSeconds(8)).until(() -> Files.readString(dir.resolve("orphan-stop/watchdog.log"))
                .contains("event=orphan.stopped"));
        assertThat(app.isAlive()).isTrue();
        assertThat(Files.readString(dir.resolve("orphan-stop/watchdog.log"))).doesNotContain("signal=TERM");
    }

    @Test
    void closingRemovesTheLeaseAndTheLoopEnds() throws Exception {
        app = startApp();
        watchdog = new OrphanWatchdog(dir.resolve("orphan-stop"), Duration.ofSeconds(1), Duration.ofSeconds(1));
        watchdog.start();
        watchdog.watch("alice.web.1.web.1.abc123", app.pid(), ProcessTree.startTime(app.pid()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("orphan-stop/instances")))).as("only the agent's user writes what root's loop kills")
                .isEqualTo("rwx------");
        long loop = Long.parseLong(Files.readString(dir.resolve("orphan-stop/watchdog.pid")).split(" ")[0]);
        watchdog.close();
        watchdog = null;
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(loop).map(p -> !p.isAlive()).orElse(true));
        Thread.sleep(2_500);
        assertThat(app.isAlive()).as("an agent stopped on purpose stops its apps itself").isTrue();
    }
}
