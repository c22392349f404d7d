package dev.skep.monitor.rules;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.util.List;

/**
 * Fires when a signal has not come for {@code after}: heartbeats (only for instances that have beaten at least
 * once, so apps that never beat are not alerted) or metric samples (the process vanished, or the host stopped
 * reporting). Resolves when the signal comes back.
 */
public record ExpireRule(String id, Signal signal, Duration after, Scope per, List<String> reactors) implements Rule {

    public enum Signal {
        @JsonProperty("heartbeat") HEARTBEAT,
        @JsonProperty("sample") SAMPLE
    }

    public ExpireRule {
        Rule.requireId(id);
        signal = signal == null ? Signal.HEARTBEAT : signal;
        after = Rule.requirePositive("after", after, null);
        per = per == null ? Scope.INSTANCE : per;
        reactors = Rule.reactorsOrAll(reactors);
    }

    @Override
    public String kind() {
        return "expire";
    }
}
