package dev.skep.monitor.rules;

/** Takes notifications from the engine. Must return quickly (queue, never send inline). */
@FunctionalInterface
public interface AlertListener {
    void onAlert(Alert alert);
}
