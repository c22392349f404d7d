package dev.skep.route.proxy;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-scale histogram of durations: buckets grow by 10 %, from 1 µs to about 3 minutes,
 * so a quantile is known within 5 %. Cumulative since creation.
 */
final class LatencyHistogram {

    private static final double GROWTH = 1.1;
    private static final double LOG_GROWTH = Math.log(GROWTH);
    private static final int BUCKETS = 200;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long nanos) {
        double micros = Math.max(1.0, nanos / 1000.0);
        int i = (int) (Math.log(micros) / LOG_GROWTH);
        counts.incrementAndGet(Math.min(i, BUCKETS - 1));
    }

    /** The q-quantile (0..1) in milliseconds, 0 when empty. */
    double quantileMillis(double q) {
        long total = 0;
        long[] snap = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            snap[i] = counts.get(i);
            total += snap[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snap[i];
            if (seen >= Math.max(1, rank)) {
                double lowMicros = Math.pow(GROWTH, i);
                return lowMicros * Math.sqrt(GROWTH) / 1000.0;
            }
        }
        return Math.pow(GROWTH, BUCKETS) / 1000.0;
    }
}
