package dev.skep.monitor.events;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how much the event log keeps.
 *
 * @param dir             folder of the segment files (created if missing); owned by the log alone
 * @param maxEvents       events kept, in memory and on disk (whole segments are deleted, so disk may hold up to
 *                        one segment more)
 * @param maxAge          events older than this are dropped from memory and their segments deleted
 * @param segmentEvents   lines per segment file before a new one is started
 * @param writeQueue      events waiting for the writer; when full, {@code emit} drops and counts
 * @param subscriberQueue events waiting per live subscriber; when full, the oldest is dropped and counted
 */
public record EventLogConfig(Path dir, int maxEvents, Duration maxAge, int segmentEvents, int writeQueue,
                             int subscriberQueue) {

    public EventLogConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(maxAge, "maxAge");
        requirePositive("maxEvents", maxEvents);
        requirePositive("segmentEvents", segmentEvents);
        requirePositive("writeQueue", writeQueue);
        requirePositive("subscriberQueue", subscriberQueue);
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be > 0, found " + maxAge);
        }
    }

    /** 50,000 events, 7 days, 5,000 per segment. */
    public static EventLogConfig defaults(Path dir) {
        return new EventLogConfig(dir, 50_000, Duration.ofDays(7), 5_000, 10_000, 1_000);
    }

    public EventLogConfig withMaxEvents(int max, int perSegment) {
        return new EventLogConfig(dir, max, maxAge, perSegment, writeQueue, subscriberQueue);
    }

    public EventLogConfig withSubscriberQueue(int size) {
        return new EventLogConfig(dir, maxEvents, maxAge, segmentEvents, writeQueue, size);
    }

    private static void requirePositive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, found " + value);
        }
    }
}
