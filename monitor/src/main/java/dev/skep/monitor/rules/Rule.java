package dev.skep.monitor.rules;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One alerting rule, stored per app as JSON with a {@code kind} field (see {@code monitor/README-rules.md}):
 *
 * <pre>
 * {"kind":"expire",    "id":"heartbeat", "signal":"heartbeat", "after":"PT2M", "per":"instance"}
 * {"kind":"threshold", "id":"rss-high",  "metric":"rss_mb", "op":"&gt;", "value":400, "for":"PT1M"}
 * {"kind":"rate",      "id":"restarts",  "eventType":"instance.exited", "count":5, "window":"PT10M", "per":"app"}
 * {"kind":"event",     "id":"crash-loop","eventType":"instance.crash-loop", "quiet":"PT10M", "per":"app"}
 * {"kind":"off",       "id":"heartbeat"}      (turns a default rule off for this app)
 * </pre>
 *
 * Every rule may carry {@code "reactors":["mail","webhook"]}; empty or missing means every configured reactor.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ExpireRule.class, name = "expire"),
        @JsonSubTypes.Type(value = ThresholdRule.class, name = "threshold"),
        @JsonSubTypes.Type(value = RateRule.class, name = "rate"),
        @JsonSubTypes.Type(value = EventRule.class, name = "event"),
        @JsonSubTypes.Type(value = OffRule.class, name = "off")})
public sealed interface Rule permits ExpireRule, ThresholdRule, RateRule, EventRule, OffRule {

    /** Unique among one app's rules: lower-case letters, digits, hyphens. */
    String id();

    /** Reactor names to notify; empty means all. */
    List<String> reactors();

    /** The JSON kind, for messages. */
    String kind();

    Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    static String requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("rule id must be 1-40 of a-z, 0-9 and '-', found '" + id + "'");
        }
        return id;
    }

    static Duration requirePositive(String what, Duration value, Duration fallback) {
        Duration d = value == null ? fallback : value;
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be > 0, found " + value);
        }
        return d;
    }

    static String requireType(String what, String type) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        return type;
    }

    static List<String> reactorsOrAll(List<String> reactors) {
        return reactors == null ? List.of() : List.copyOf(reactors);
    }

    /** Exact type, or a prefix when the pattern ends with '.' or '*': "instance." matches "instance.exited". */
    static boolean typeMatches(String pattern, String type) {
        if (pattern == null || type == null) {
            return false;
        }
        if (pattern.endsWith("*")) {
            return type.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.endsWith(".") ? type.startsWith(pattern) : type.equals(pattern);
    }
}
