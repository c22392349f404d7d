package dev.skep.monitor.rules;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Duration;
import java.util.List;

/**
 * Fires when {@code metric op value} has held for {@code for} (e.g. rss_mb &gt; 400 for PT1M), judged per sample
 * subject: an instance for process samples, the app for app-wide samples (router figures). Resolves at the first
 * sample where it no longer holds. Metrics of instances: cpu_percent, rss_mb, rss_bytes, open_files, processes,
 * restarts, uptime_seconds.
 */
public record ThresholdRule(String id, String metric, Op op, double value,
                            @JsonProperty("for") Duration forDuration, List<String> reactors) implements Rule {

    public enum Op {
        GT(">"), GE(">="), LT("<"), LE("<=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        @JsonValue
        public String symbol() {
            return symbol;
        }

        @JsonCreator
        public static Op of(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("op must be one of >, >=, <, <=, found '" + symbol + "'");
        }

        public boolean test(double actual, double limit) {
            return switch (this) {
                case GT -> actual > limit;
                case GE -> actual >= limit;
                case LT -> actual < limit;
                case LE -> actual <= limit;
            };
        }
    }

    public ThresholdRule {
        Rule.requireId(id);
        Rule.requireType("metric", metric);
        if (op == null) {
            throw new IllegalArgumentException("op is required (>, >=, <, <=)");
        }
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("value must be a number");
        }
        forDuration = forDuration == null ? Duration.ZERO : forDuration;
        if (forDuration.isNegative()) {
            throw new IllegalArgumentException("for must be >= 0, found " + forDuration);
        }
        reactors = Rule.reactorsOrAll(reactors);
    }

    public boolean breached(double actual) {
        return op.test(actual, value);
    }

    @Override
    public String kind() {
        return "threshold";
    }
}
