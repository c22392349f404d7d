package dev.skep.api.auth;

import dev.skep.model.SkepException;
import java.time.Duration;

/** 429: too many bad tokens from this address, or for this user or token; the answer carries Retry-After. */
public final class TooManyFailures extends SkepException {

    private final Duration retryAfter;

    public TooManyFailures(Duration retryAfter) {
        super(Kind.TOO_MANY, "too many failed logins from this address or with these credentials",
                "wait " + seconds(retryAfter) + " s before trying again; check the token you send");
        this.retryAfter = retryAfter;
    }

    /** Whole seconds, rounded up, at least 1: what Retry-After says. */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
