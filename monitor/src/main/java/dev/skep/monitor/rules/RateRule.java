package dev.skep.monitor.rules;

import java.time.Duration;
import java.util.List;

/**
 * Fires when at least {@code count} events of {@code eventType} came within {@code window} (5 instance.exited in
 * PT10M). Resolves when the window holds fewer again.
 */
public record RateRule(String id, String eventType, int count, Duration window, Scope per, List<String> reactors)
        implements Rule {

    public RateRule {
        Rule.requireId(id);
        Rule.requireType("eventType", eventType);
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, found " + count);
        }
        window = Rule.requirePositive("window", window, null);
        per = per == null ? Scope.APP : per;
        reactors = Rule.reactorsOrAll(reactors);
    }

    @Override
    public String kind() {
        return "rate";
    }
}
