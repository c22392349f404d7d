package dev.skep.supervise;

import dev.skep.model.AppId;
import dev.skep.model.InstanceState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An app that floods stdout as fast as it can must not fill the disk. */
class LogCaptureTest {

    private static final LogPolicy SMALL = new LogPolicy(64 * 1024, 2, 16 * 1024);

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
    void aFloodingAppKeepsItsLogsWithinTheBound() throws Exception {
        Agent agent = h.start(h.config().withLogs(SMALL));
        String id = h.assign("flood", AgentHarness.fixture("floods-stdout"), "server.js");
        h.awaitState(id, InstanceState.READY);
        Path logDir = dataDir.resolve("logs/alice/flood");
        Path runDir = dataDir.resolve("run").resolve(id);

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(logDir.resolve(id + ".log.2")));
        long logBound = SMALL.maxBytes() * (SMALL.filesKept() + 1);
        long maxLogs = 0;
        long maxRaw = 0;
        long lastRaw = 0;
        int shrank = 0;
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) { // sample the sizes while the app floods
            maxLogs = Math.max(maxLogs, size(logDir));
            long raw = size(runDir);
            maxRaw = Math.max(maxRaw, raw);
            shrank += raw < lastRaw ? 1 : 0;
            lastRaw = raw;
        }
        LoggerFactory.getLogger(LogCaptureTest.class).info("flood peak_log_bytes={} peak_raw_bytes={}", maxLogs, maxRaw);
        assertThat(Files.exists(logDir.resolve(id + ".log.3"))).as("only filesKept rotated files").isFalse();
        assertThat(maxLogs).isLessThanOrEqualTo(logBound + 4096);
        assertThat(shrank).as("the raw capture is truncated again and again").isGreaterThan(3);
        // its peak is the app's write rate times the pump's lag: a few MB, tens on a starved shared host
        assertThat(maxRaw).as("raw capture stays bounded").isLessThan(128L * 1024 * 1024);
        List<String> tail = agent.logs().tail(id, 5);
        assertThat(tail).hasSize(5).allSatisfy(line -> assertThat(line)
                .matches("\\S+Z stdout (x{200}|\\[skep: dropped \\d+ bytes of output.*)"));
        assertThat(agent.logs().tail(new AppId("alice", "flood"), 3)).hasSize(3)
                .allSatisfy(line -> assertThat(line).contains(" " + id + " stdout "));
    }

    private static long size(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                try {
                    total += Files.size(file);
                } catch (IOException rotatedAway) {
                    // renamed between list and size
                }
            }
        }
        return total;
    }
}
