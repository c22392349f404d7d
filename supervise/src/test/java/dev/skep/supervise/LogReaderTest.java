package dev.skep.supervise;

import dev.skep.model.AppId;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LogReaderTest {

    private static final LogPolicy POLICY = new LogPolicy(1024, 3, 1024);
    private static final Instant T0 = Instant.parse("2026-11-26T01:02:03.456Z");

    @TempDir
    Path dataDir;

    private final String a = "alice.shop.1.aaaaaa";
    private final String b = "alice.shop.1.bbbbbb";

    private RotatingLog open(String instance, AgentLayout layout) throws Exception {
        return new RotatingLog(layout.logFile(instance), POLICY);
    }

    /** Lines "line 0" to "line 199" to instance a's log, rotated on the way; returns its active file. */
    private Path write200Lines(AgentLayout layout) throws Exception {
        try (RotatingLog log = open(a, layout)) {
            for (int i = 0; i < 200; i++) {
                log.append(line(i, "line " + i));
            }
        }
        return layout.logFile(a);
    }

    private static String line(int i, String text) {
        return LogPump.format(T0.plusMillis(i), "stdout", text);
    }

    @Test
    void formatsLinesWithAnIsoTimestampAndTheStream() {
        assertThat(LogPump.format(T0, "stderr", "boom")).isEqualTo("2026-11-26T01:02:03.456Z stderr boom");
    }

    @Test
    void anAppsTailFindsAnInstanceWhoseActiveFileARotationJustMovedAway() throws Exception {
        AgentLayout layout = new AgentLayout(dataDir);
        Path file = write200Lines(layout);
        Files.move(file, RotatingLog.rotated(file, 4)); // the moment between a rotation's rename and create
        assertThat(file).doesNotExist();

        List<String> tail = new LogReader(layout, 4, Duration.ofMillis(20)).tail(new AppId("alice", "shop"), 3);

        assertThat(tail).hasSize(3).allSatisfy(l -> assertThat(l).contains(" " + a + " stdout line "));
    }

    @Test
    void tailReadsAcrossRotatedFilesAndRotationKeepsABoundedNumber() throws Exception {
        AgentLayout layout = new AgentLayout(dataDir);
        Path file = write200Lines(layout);
        assertThat(RotatingLog.rotated(file, 3)).exists();
        assertThat(RotatingLog.rotated(file, 4)).doesNotExist();

        LogReader reader = new LogReader(layout, POLICY.filesKept(), Duration.ofMillis(20));
        List<String> tail = reader.tail(a, 40);

        assertThat(tail).hasSize(40);
        assertThat(tail.get(39)).endsWith("line 199");
        assertThat(tail.get(0)).endsWith("line 160");
        assertThat(reader.tail(a, 10_000)).hasSizeLessThan(200).last().asString().endsWith("line 199");
        assertThat(reader.tail("alice.shop.1.cccccc", 10)).isEmpty();
    }

    @Test
    void aLineStillBeingWrittenIsLeftOutOfTheTail() throws Exception {
        Path file = dataDir.resolve("partial.log");
        Files.writeString(file, "one\ntwo\nthree\nfou");

        assertThat(LogReader.tailOf(file, 2)).containsExactly("two", "three");
        assertThat(LogReader.tailOf(file, 10)).containsExactly("one", "two", "three");
        Files.writeString(file, "no newline yet");
        assertThat(LogReader.tailOf(file, 3)).isEmpty();
    }

    @Test
    void appTailMergesInstancesByTimestamp() throws Exception {
        AgentLayout layout = new AgentLayout(dataDir);
        try (RotatingLog la = open(a, layout); RotatingLog lb = open(b, layout)) {
            for (int i = 0; i < 10; i += 2) {
                la.append(line(i, "a" + i));
                lb.append(line(i + 1, "b" + (i + 1)));
            }
        }
        LogReader reader = new LogReader(layout, POLICY.filesKept(), Duration.ofMillis(20));

        List<String> merged = reader.tail(new AppId("alice", "shop"), 4);

        assertThat(merged).containsExactly(
                LogPump.format(T0.plusMillis(6), "stdout", "a6").replace("Z stdout", "Z " + a + " stdout"),
                LogPump.format(T0.plusMillis(7), "stdout", "b7").replace("Z stdout", "Z " + b + " stdout"),
                LogPump.format(T0.plusMillis(8), "stdout", "a8").replace("Z stdout", "Z " + a + " stdout"),
                LogPump.format(T0.plusMillis(9), "stdout", "b9").replace("Z stdout", "Z " + b + " stdout"));
    }

    @Test
    void followSeesNewLinesThroughRotation() throws Exception {
        AgentLayout layout = new AgentLayout(dataDir);
        // enough files kept to hold the whole burst: a follower descheduled on a busy machine
        // must still find every rotated file (with fewer, losing lines is the retention's design)
        LogPolicy roomy = new LogPolicy(1024, 20, 1024);
        LogReader reader = new LogReader(layout, roomy.filesKept(), Duration.ofMillis(10));
        List<String> seen = new CopyOnWriteArrayList<>();
        try (RotatingLog log = new RotatingLog(layout.logFile(a), roomy)) {
            log.append(line(0, "before follow"));
            log.flush();
            try (Closeable follow = reader.follow(a, seen::add)) {
                // until the follower reads (it starts at the end of the file when it gets to open it: on a loaded
                // machine a fixed wait was not enough, and it saw nothing of what came before)
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    log.append(line(0, "probe"));
                    log.flush();
                    return !seen.isEmpty();
                });
                for (int i = 1; i <= 100; i++) {
                    log.append(line(i, "line " + i)); // 1 KiB files: rotates several times
                    log.flush();
                }
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen.stream()
                        .filter(l -> !l.contains("probe")).count()).isGreaterThanOrEqualTo(100));
            }
        }
        assertThat(seen.stream().filter(l -> !l.contains("probe")).toList()).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 100).mapToObj(i -> line(i, "line " + i)).toList());
    }
}
