package dev.skep.supervise;

import java.time.Duration;

/**
 * The waits between fetches of a slug that could not be had (its controller is down or restarting, the network
 * is away): {@link #FIRST}, doubled each time up to {@link #MAX}. The instance stays STARTING meanwhile, saying
 * why, instead of FAILED for good.
 */
final class SlugRetry {

    static final Duration FIRST = Duration.ofMillis(500);
    static final Duration MAX = Duration.ofSeconds(30);

    private int attempt = 1;
    private Duration wait = FIRST;

    /** The number of the fetch about to be tried, from 1. */
    int attempt() {
        return attempt;
    }

    /** The fetch failed: how long to wait before the next one. */
    Duration failed() {
        Duration now = wait;
        attempt++;
        wait = wait.multipliedBy(2).compareTo(MAX) > 0 ? MAX : wait.multipliedBy(2);
        return now;
    }
}
