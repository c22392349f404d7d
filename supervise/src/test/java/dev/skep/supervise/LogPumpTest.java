package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
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
}
