package dev.skep.monitor.metrics;

import dev.skep.model.AppId;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The last stretch (an hour by default) of samples per instance, in a bounded ring each. */
public final class MetricsHistory implements SampleListener {

    private final int capacity;
    private final Map<String, ArrayDeque<InstanceSample>> rings = new ConcurrentHashMap<>();

    /** Keeps {@code keep / interval} samples per instance. */
    public MetricsHistory(Duration keep, Duration interval) {
        if (interval.isZero() || interval.isNegative() || keep.compareTo(interval) < 0) {
            throw new IllegalArgumentException("need 0 < interval <= keep, found " + interval + " and " + keep);
        }
        this.capacity = (int) Math.min(100_000, keep.toMillis() / interval.toMillis());
    }

    @Override
    public void sample(InstanceSample sample) {
        sample(sample.instance(), sample);
    }

    public void sample(String instance, InstanceSample sample) {
        ArrayDeque<InstanceSample> ring = rings.computeIfAbsent(instance, k -> new ArrayDeque<>());
        synchronized (ring) {
            if (ring.size() >= capacity) {
                ring.pollFirst();
            }
            ring.addLast(sample);
        }
    }

    /** Oldest first; empty for an unknown instance. */
    public List<InstanceSample> history(String instance) {
        ArrayDeque<InstanceSample> ring = rings.get(instance);
        if (ring == null) {
            return List.of();
        }
        synchronized (ring) {
            return List.copyOf(ring);
        }
    }

    @Override
    public void gone(AppId app, String instance) {
        rings.remove(instance);
    }

    public int capacity() {
        return capacity;
    }
}
