package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import dev.skep.model.InstanceIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trial left 101 MiB of two spewing releases' logs, and a deleted app's logs showed in the `skep logs` of a new app
 * of the same name: of an app's gone instances only the newest few keep their logs, a deleted app's go, and so do
 * gone instances' raw capture dirs; nothing written lately is touched.
 */
class LogRetentionTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final AppId SHOP = new AppId("alice", "shop");
    static final AppId OLD = new AppId("bob", "old");

    @TempDir
    Path dir;

    AgentLayout layout;
    LogRetention retention;

    void setUp() {
        layout = new AgentLayout(dir);
        retention = new LogRetention("vm", layout, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** An instance's log and one rotated file, last written {@code ago} before now. */
    Path logOf(String instance, Duration ago) throws IOException {
        Path log = layout.logFile(instance);
        Files.createDirectories(log.getParent());
        Files.writeString(log, "line\n");
        Path rotated = log.resolveSibling(log.getFileName() + ".1");
        Files.writeString(rotated, "older line\n");
        FileTime t = FileTime.from(NOW.minus(ago));
        Files.setLastModifiedTime(log, t);
        Files.setLastModifiedTime(rotated, t);
        return log;
    }

    Path runOf(String instance, Duration ago) throws IOException {
        Path run = layout.runDir(instance);
        Files.createDirectories(run);
        Path out = Files.writeString(run.resolve("stdout"), "x");
        Files.setLastModifiedTime(out, FileTime.from(NOW.minus(ago)));
        Files.setLastModifiedTime(run, FileTime.from(NOW.minus(ago)));
        return run;
    }

    @Test
    void theNewestGoneInstancesKeepTheirLogsTheOthersAndADeletedAppsGo() throws IOException {
        setUp();
        List<Path> gone = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // the oldest first, an hour ago and later, one a minute apart
            gone.add(logOf(InstanceIds.next(SHOP, i + 1), Duration.ofMinutes(60 - i)));
        }
        String live = InstanceIds.next(SHOP, 9);
        Path liveLog = logOf(live, Duration.ofHours(5)); // quiet for long, but it runs
        Path justStarted = logOf(InstanceIds.next(SHOP, 9), Duration.ofSeconds(5)); // not in the live set yet
        Path deletedApp = logOf(InstanceIds.next(OLD, 1), Duration.ofHours(1));

        retention.prune(Set.of(live), app -> app.equals(OLD));

        // of the 9 gone (8 old, 1 just written), the newest 5 stay: the one just written and the 4 newest old ones
        for (int i = 0; i < 4; i++) {
            assertThat(gone.get(i)).as("gone instance %d", i).doesNotExist();
            assertThat(gone.get(i).resolveSibling(gone.get(i).getFileName() + ".1")).doesNotExist();
        }
        for (int i = 4; i < 8; i++) {
            assertThat(gone.get(i)).as("gone instance %d", i).exists();
        }
        assertThat(justStarted).exists();
        assertThat(liveLog).exists();
        assertThat(deletedApp.getParent()).as("the deleted app's log dir").doesNotExist();
    }

    @Test
    void aGoneInstancesCaptureDirGoesOnceQuiet() throws IOException {
        setUp();
        String live = InstanceIds.next(SHOP, 1);
        Path liveRun = runOf(live, Duration.ofHours(1));
        Path goneRun = runOf(InstanceIds.next(SHOP, 1), Duration.ofHours(1));
        Path recentRun = runOf(InstanceIds.next(SHOP, 2), Duration.ofSeconds(10));

        retention.prune(Set.of(live), app -> false);

        assertThat(liveRun).exists();
        assertThat(goneRun).doesNotExist();
        assertThat(recentRun).as("written lately: perhaps an instance starting").exists();
    }
}
