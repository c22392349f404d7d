package dev.skep.supervise;

import dev.skep.model.HealthCheck;
import java.time.Duration;

/**
 * Whether a started instance answers HTTP, the last step of "ready" (after its own process tree was seen to own
 * the listening socket). With an HTTP health check set, its path must answer 2xx or 3xx, as every later check
 * will; otherwise {@code GET /} must answer anything but a 5xx: an app may well answer 404 at its root, but an
 * app that accepts and then fails every request, or accepts and never speaks HTTP, does not serve.
 */
final class ReadinessProbe {

    static final String ROOT = "/";

    private ReadinessProbe() {
    }

    /** @param health the app's health check, or null for none (a TCP check counts as none here) */
    static HealthProbe.Result check(HealthCheck health, int port) {
        if (health != null && health.isHttp()) {
            return HealthProbe.check(health, port);
        }
        Duration timeout = health != null ? health.timeout() : HealthCheck.DEFAULT_TIMEOUT;
        return HealthProbe.get(ROOT, port, timeout, ReadinessProbe::serves);
    }

    /** A status that means the app served the request: any but a 5xx. */
    static boolean serves(int status) {
        return status >= 100 && status < 500;
    }
}
