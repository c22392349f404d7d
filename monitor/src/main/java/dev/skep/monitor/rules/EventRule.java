package dev.skep.monitor.rules;

import java.time.Duration;
import java.util.List;

/**
 * Fires on any event of {@code eventType}. Further events of the type while it holds do not fire again (a crash
 * loop is one alert, not a storm). Resolves after {@code quiet} without such events (default 10 minutes), or at
 * once on an event of {@code resolveOn} (deploy.failed resolves on deploy.succeeded).
 */
public record EventRule(String id, String eventType, Duration quiet, String resolveOn, Scope per,
                        List<String> reactors) implements Rule {

    public static final Duration DEFAULT_QUIET = Duration.ofMinutes(10);

    public EventRule {
        Rule.requireId(id);
        Rule.requireType("eventType", eventType);
        quiet = Rule.requirePositive("quiet", quiet, DEFAULT_QUIET);
        per = per == null ? Scope.APP : per;
        reactors = Rule.reactorsOrAll(reactors);
    }

    @Override
    public String kind() {
        return "event";
    }
}
