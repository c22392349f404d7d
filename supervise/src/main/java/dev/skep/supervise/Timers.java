package dev.skep.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Time for an {@link InstanceMachine}: what time it is, and a task run after a delay. The machine never sleeps;
 * every wait of it (back-off, start timeout, unhealthy grace, slug retry) is one of these, so a test drives it on a
 * manual clock.
 */
interface Timers {

    Instant now();

    /** Runs {@code task} once {@code delay} has passed, unless cancelled first. */
    Cancellable after(Duration delay, Runnable task);

    interface Cancellable {
        void cancel();
    }

    /** Real time: each timer is a virtual thread that sleeps, cancelled by interrupting it. */
    static Timers system(Clock clock) {
        return new Timers() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public Cancellable after(Duration delay, Runnable task) {
                Thread thread = Thread.ofVirtual().name("instance-timer").start(() -> {
                    try {
                        Thread.sleep(delay.toMillis());
                        task.run();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // cancelled
                    }
                });
                return thread::interrupt;
            }
        };
    }
}
