package dev.skep.supervise;

import java.time.Duration;
import java.util.function.Consumer;

/** The step that watches a READY process: it posts {@link InstanceSignal.Health} when it turns either way. */
interface InstanceHealth {

    /** A watch in progress; closing it stops it. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** Watches until closed. */
    Watch watch(InstanceProc proc, int port, Consumer<InstanceSignal> out);

    /** How long an unhealthy instance may stay so before it is restarted (the app's check as it is now). */
    Duration restartAfter();
}
