package dev.skep.model.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTaskTest {

    @Test
    void theFirstRunComesOnePeriodAfterTheStartThenEveryPeriod() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        long started = System.nanoTime();
        try (PeriodicTask task = PeriodicTask.start("test-periodic", Duration.ofMillis(300), runs::incrementAndGet,
                e -> { })) {
            Thread.sleep(100);
            assertThat(runs.get()).as("runs before one period passed").isZero();
            waitFor(() -> runs.get() >= 1);
            assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            waitFor(() -> runs.get() >= 3);
            assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
        }
    }

    @Test
    void aRunThatThrowsGoesToOnFailureAndTheNextRunStillComes() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        try (PeriodicTask task = PeriodicTask.start("test-periodic", Duration.ofMillis(20), () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("state read failed");
            }
        }, failures::add)) {
            waitFor(() -> runs.get() >= 3);
        }
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).hasMessage("state read failed");
    }

    @Test
    void closeInterruptsARunUnderWayAndNoRunStartsAfterIt() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inRun = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        PeriodicTask task = PeriodicTask.start("test-periodic", Duration.ofMillis(20), () -> {
            runs.incrementAndGet();
            inRun.countDown();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.countDown(); // and swallowed, as a careless job might: the loop ends all the same
            }
        }, e -> { });
        assertThat(inRun.await(5, TimeUnit.SECONDS)).isTrue();
        task.close();
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the run under way interrupted").isTrue();
        Thread.sleep(200); // ten periods: time for runs that must not come
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aPeriodThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> PeriodicTask.start("test-periodic", Duration.ZERO, () -> { }, e -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period must be positive");
    }

    private static void waitFor(Callable<Boolean> condition) {
        await("condition within 5 s").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(condition);
    }
}
