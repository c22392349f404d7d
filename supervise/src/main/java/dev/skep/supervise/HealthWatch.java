package dev.skep.supervise;

import dev.skep.model.HealthCheck;

import java.util.function.Supplier;

/**
 * Checks one READY process every interval on a virtual thread of its own, and tells its runner (through a
 * listener that only queues) when it turns unhealthy ({@code failures} checks in a row failed) and when it
 * recovers (one good check). The check is read again before every round, so a changed or removed health
 * setting applies to running instances. Closing stops it.
 */
final class HealthWatch implements InstanceHealth.Watch {

    /** Hears the turns; called on the watch's thread, must only queue. */
    interface Listener {
        void turned(boolean healthy, String why);
    }

    private final Thread thread;

    private HealthWatch(Thread thread) {
        this.thread = thread;
    }

    static HealthWatch start(String instance, Supplier<HealthCheck> checks, int port, Listener listener) {
        Runnable loop = () -> {
            int failed = 0;
            boolean unhealthy = false;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    HealthCheck check = checks.get();
                    Thread.sleep((check == null ? HealthCheck.DEFAULT_INTERVAL : check.interval()).toMillis()); // pace
                    check = checks.get();
                    if (check == null) {
                        failed = 0;
                        if (unhealthy) {
                            unhealthy = false;
                            listener.turned(true, "health check removed");
                        }
                        continue;
                    }
                    HealthProbe.Result result = HealthProbe.check(check, port);
                    if (result.healthy()) {
                        failed = 0;
                        if (unhealthy) {
                            unhealthy = false;
                            listener.turned(true, null);
                        }
                    } else if (++failed >= check.failures() && !unhealthy) {
                        unhealthy = true;
                        listener.turned(false, result.why() + " (" + failed + " checks in a row)");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed: the runner moved on
            }
        };
        return new HealthWatch(Thread.ofVirtual().name("health-" + instance).start(loop));
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
