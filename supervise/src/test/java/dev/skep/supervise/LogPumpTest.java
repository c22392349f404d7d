package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.skep.model.DataDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pump of a quiet app looks less often, yet a new line still arrives within about a second. */
class LogPumpTest {

    @TempDir
    Path dir;

    @Test
    void aLineAfterALongQuietArrivesWithinASecondAndCloseDoesNotWaitForTheIdlePark() throws Exception {
        Path stdout = Files.writeString(dir.resolve("stdout"), "first\n");
        Path stderr = Files.writeString(dir.resolve("stderr"), "");
        Path log = dir.resolve("app.log");
        LogPump pump = new LogPump("alice.shop.1.abcdef", stdout, stderr, new RotatingLog(log, LogPolicy.DEFAULT),
                LogPolicy.DEFAULT, Clock.systemUTC());
        pump.start();
        await().atMost(Duration.ofSeconds(2)).until(() -> Files.exists(log) && Files.readString(log).contains("first"));

        Thread.sleep(2500); // the quiet under test (not a wait for a condition): the idle park grows to its 1 s cap
        Files.writeString(stdout, "second\n", StandardOpenOption.APPEND);
        long written = System.nanoTime();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.readString(log).contains("second"));
        assertThat(Duration.ofNanos(System.nanoTime() - written)).isLessThan(Duration.ofMillis(1500));

        long closing = System.nanoTime();
        pump.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("close wakes the parked pump")
                .isLessThan(Duration.ofMillis(500));
    }

    @Test
    void aWakeupBringsALineAfterALongQuietAtOnceStampedWhenItWasWritten() throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Path stdout = Files.writeString(runDir.resolve("stdout"), "first\n");
        Path stderr = Files.writeString(runDir.resolve("stderr"), "");
        Path log = dir.resolve("app.log");
        LogPump pump = new LogPump("alice.shop.1.abcdef", stdout, stderr, new RotatingLog(log, LogPolicy.DEFAULT),
                LogPolicy.DEFAULT, Clock.systemUTC());
        try (LogWakeups wakeups = LogWakeups.start("test"); AutoCloseable watch = wakeups.watch(runDir, pump)) {
            pump.start();
            await().atMost(Duration.ofSeconds(2)).until(() -> Files.exists(log) && Files.readString(log).contains("first"));
            Thread.sleep(2500); // the quiet under test: the idle park grows past a second (a watched pump's cap is 30 s)
            for (int i = 1; i <= 3; i++) {
                Instant written = Instant.now();
                Files.writeString(stdout, "line " + i + "\n", StandardOpenOption.APPEND);
                String line = "line " + i;
                await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5))
                        .until(() -> Files.readString(log).contains(line));
                assertThat(Duration.between(written, Instant.now())).as("woken, not at the end of a long park")
                        .isLessThan(Duration.ofMillis(400));
                String stored = Files.readAllLines(log).stream().filter(l -> l.endsWith(line)).findFirst().orElseThrow();
                assertThat(Duration.between(written, Instant.parse(stored.substring(0, stored.indexOf(' ')))))
                        .as("stamped as it was written: " + stored).isLessThan(Duration.ofMillis(400));
                Thread.sleep(1500); // quiet again
            }
        } finally {
            pump.close();
        }
    }

    /**
     * Issue 10 (a full disk while apps log): the log's disk fills up while the app writes, then gets room again.
     * The pump waits instead of stopping, and every line the app wrote reaches the log, in order. A real tmpfs of
     * 1 MiB (root only), as the data dir's disk; the capture file is elsewhere, as an app's own writes are.
     */
    @Test
    void aFullLogDiskHoldsLinesBackUntilThereIsRoomAndLosesNone() throws Exception {
        assumeThat(DataDirs.runningAsRoot()).as("mounting a tmpfs needs root").isTrue();
        Path disk = Files.createDirectories(dir.resolve("disk"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString());
        try {
            Path stdout = Files.writeString(dir.resolve("stdout"), "");
            Path stderr = Files.writeString(dir.resolve("stderr"), "");
            Path log = disk.resolve("app.log");
            LogPump pump = new LogPump("alice.shop.1.abcdef", stdout, stderr, new RotatingLog(log, LogPolicy.DEFAULT),
                    LogPolicy.DEFAULT, Clock.systemUTC());
            pump.start();
            Files.writeString(stdout, "line 0\n", StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(3)).until(() -> Files.readString(log).contains("line 0"));

            Path filler = disk.resolve("filler");
            fill(filler);
            StringBuilder many = new StringBuilder();
            for (int i = 1; i <= 3000; i++) { // ~130 KB: more than the log's 64 KiB buffer holds
                many.append("line ").append(i).append(" of the app's output while the disk is full\n");
            }
            Files.writeString(stdout, many, StandardOpenOption.APPEND);
            Thread.sleep(2000); // the full spell under test: the pump meets ENOSPC and must not give up
            Files.delete(filler);
            Files.writeString(stdout, "line 3001 after\n", StandardOpenOption.APPEND);

            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("line 3001 after"));
            pump.close();
            List<String> lines = Files.readAllLines(log).stream().map(l -> l.substring(l.indexOf(" stdout ") + 8))
                    .map(l -> l.split(" ")[1]).toList();
            List<String> expected = IntStream.rangeClosed(0, 3001).mapToObj(Integer::toString)
                    .toList();
            // a flush the full disk cut short is written again whole: its lines may be there twice, none is missing
            assertThat(lines.stream().distinct().toList()).as("every line, in order").isEqualTo(expected);
            System.out.printf("full log disk: %d lines written, %d of them twice%n", lines.size(),
                    lines.size() - expected.size());
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    /** Writes to {@code file} until the disk refuses (ENOSPC). */
    private static void fill(Path file) throws Exception {
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // the disk is full
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
