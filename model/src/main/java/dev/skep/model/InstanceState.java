package dev.skep.model;

/**
 * The life of one instance, as its agent reports it.
 *
 * <pre>
 *  STARTING ──ready──> READY ──exit──> BACKOFF ──start──> STARTING
 *     │                  │                 └─(N quick deaths)─> CRASH_LOOP (still retried)
 *     └─timeout/exit─> FAILED (never got ready on its first start: a failed deploy)
 *  READY ──health check fails──> UNHEALTHY (not routed) ──recovers──> READY
 *  any ──stop──> STOPPING ──> (gone)
 * </pre>
 */
public enum InstanceState {
    STARTING, READY, BACKOFF, CRASH_LOOP, FAILED, STOPPING, UNHEALTHY;

    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
