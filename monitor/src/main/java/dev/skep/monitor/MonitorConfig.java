package dev.skep.monitor;

import dev.skep.monitor.events.EventLogConfig;
import dev.skep.monitor.metrics.MetricsSampler;
import dev.skep.monitor.react.RetryPolicy;
import dev.skep.monitor.rules.AlertEngine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the monitor needs to know, read once at start-up.
 *
 * @param sampleInterval how often process trees are sampled (5 s)
 * @param tickInterval   how often the rules are re-judged against the clock (expiries, repeats): 5 s
 * @param repeatEvery    how often a holding alert is repeated (30 min)
 * @param heartbeatKey   the install's random key from which heartbeat secrets derive (32+ bytes, kept in state)
 */
public record MonitorConfig(EventLogConfig events, Duration sampleInterval, Duration tickInterval,
                            Duration repeatEvery, RetryPolicy retry, int reactorQueue, byte[] heartbeatKey) {

    public MonitorConfig {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(sampleInterval, "sampleInterval");
        Objects.requireNonNull(tickInterval, "tickInterval");
        Objects.requireNonNull(repeatEvery, "repeatEvery");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(heartbeatKey, "heartbeatKey");
        heartbeatKey = heartbeatKey.clone();
    }

    public static MonitorConfig defaults(Path eventDir, byte[] heartbeatKey) {
        return new MonitorConfig(EventLogConfig.defaults(eventDir), MetricsSampler.DEFAULT_INTERVAL,
                Duration.ofSeconds(5), AlertEngine.DEFAULT_REPEAT, RetryPolicy.defaults(), 1_000, heartbeatKey);
    }

    public MonitorConfig withTiming(Duration sample, Duration tick, Duration repeat, RetryPolicy retryPolicy) {
        return new MonitorConfig(events, sample, tick, repeat, retryPolicy, reactorQueue, heartbeatKey);
    }
}
