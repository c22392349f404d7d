package dev.skep.model.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class CoalescingWorkerTest {

    @Test
    void pokesWhileARunIsQueuedMakeThatOneRun() throws Exception {
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        try (CoalescingWorker worker = new CoalescingWorker("test-worker", () -> {
            runs.incrementAndGet();
            firstStarted.countDown();
            await(blocking);
        })) {
            worker.poke();
            assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 100; i++) {
                worker.poke(); // the first run is busy: these queue exactly one more
            }
            blocking.countDown();
            waitFor(() -> runs.get() >= 2);
            Thread.sleep(200); // time for a third run, which must not come
            assertThat(runs.get()).isEqualTo(2);
        }
    }

    @Test
    void aPokeDuringARunAsksForAnotherRunThatSeesIt() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        AtomicInteger seen = new AtomicInteger();
        CountDownLatch inRun = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        try (CoalescingWorker worker = new CoalescingWorker("test-worker", () -> {
            inRun.countDown();
            await(changed);
            seen.set(changes.get());
        })) {
            worker.poke();
            assertThat(inRun.await(5, TimeUnit.SECONDS)).isTrue();
            changes.incrementAndGet(); // a change after the run read the state...
            worker.poke();             // ...and its notification
            changed.countDown();
            waitFor(() -> seen.get() == 1);
        }
    }

    @Test
    void pokeInRunsLaterAndNothingRunsAfterClose() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CoalescingWorker worker = new CoalescingWorker("test-worker", runs::incrementAndGet);
        worker.pokeIn(Duration.ofMillis(100));
        assertThat(runs.get()).isZero();
        waitFor(() -> runs.get() == 1);
        worker.close();
        worker.poke();
        worker.pokeIn(Duration.ofMillis(1));
        Thread.sleep(100);
        assertThat(runs.get()).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(until);
            Thread.sleep(5);
        }
    }
}
