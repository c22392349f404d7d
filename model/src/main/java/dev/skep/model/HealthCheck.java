package dev.skep.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;

/**
 * How an app's instances are checked while they run, and when they count as ready at start.
 *
 * <pre>
 *  READY ──(failures in a row)──> UNHEALTHY (out of the route table) ──(one good answer)──> READY
 *                                     └──(still failing after restartAfter)──> restarted
 * </pre>
 *
 * @param path         an HTTP path ("/health") answered 2xx/3xx when healthy, or null for a TCP connect
 * @param interval     time between two checks of one instance
 * @param timeout      a check that takes longer failed
 * @param failures     this many failed checks in a row make the instance unhealthy
 * @param restartAfter an instance unhealthy this long is restarted
 */
public record HealthCheck(String path, Duration interval, Duration timeout, int failures, Duration restartAfter) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_FAILURES = 3;
    public static final Duration DEFAULT_RESTART_AFTER = Duration.ofSeconds(60);

    public HealthCheck {
        if (path != null && (!path.startsWith("/") || path.length() > 200 || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw SkepException.badRequest("invalid health path '" + path.replaceAll("[^\\x21-\\x7e]", "?") + "'",
                    "a path starts with / and has no spaces, e.g. /health");
        }
        interval = positive("interval", interval, DEFAULT_INTERVAL, Duration.ofMillis(100));
        timeout = positive("timeout", timeout, DEFAULT_TIMEOUT, Duration.ofMillis(50));
        restartAfter = positive("restartAfter", restartAfter, DEFAULT_RESTART_AFTER, Duration.ofSeconds(1));
        if (failures == 0) {
            failures = DEFAULT_FAILURES;
        }
        if (failures < 1 || failures > 100) {
            throw SkepException.badRequest("health failures must be 1-100, found " + failures, null);
        }
    }

    /** A TCP check with the defaults. */
    public static HealthCheck tcp() {
        return new HealthCheck(null, null, null, 0, null);
    }

    public static HealthCheck http(String path) {
        return new HealthCheck(path, null, null, 0, null);
    }

    @JsonIgnore
    public boolean isHttp() {
        return path != null;
    }

    private static Duration positive(String what, Duration value, Duration otherwise, Duration min) {
        if (value == null) {
            return otherwise;
        }
        if (value.compareTo(min) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
            throw SkepException.badRequest("health " + what + " must be between " + min + " and PT1H, found " + value,
                    "durations are seconds (5) or ISO-8601 (PT5S)");
        }
        return value;
    }
}
