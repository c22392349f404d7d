package dev.skep.supervise;

import java.time.Duration;

/** The step that ends a process and what it started. */
interface InstanceStop {

    /**
     * Stops {@code proc} and everything in its group: drain (when {@code drain} is not zero), SIGTERM, grace,
     * SIGKILL. Blocks until it is over; answers how the process ended.
     */
    String stop(InstanceProc proc, int port, Duration drain) throws InterruptedException;

    /** After an exit of its own: kills what the process left in its group, off the restart path. */
    void sweep(InstanceProc proc);
}
