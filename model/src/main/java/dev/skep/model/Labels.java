package dev.skep.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Agents' labels ({@code skep agent --label zone=a}) and apps' constraints ({@code skep set USER/APP --constraint
 * zone=a}): both {@code key=value} words, so a constraint matches a label by plain equality.
 */
public final class Labels {

    public static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    public static final Pattern VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    public static final int MAX = 16;

    private Labels() {
    }

    /** {@code key=value} as a pair; a clear error naming {@code what} (the flag) when it is not one. */
    public static Map.Entry<String, String> parse(String what, String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        if (eq < 0) {
            throw SkepException.badRequest(what + " must be key=value, found '" + text + "'", "e.g. zone=a");
        }
        String key = text.substring(0, eq).strip();
        String value = text.substring(eq + 1).strip();
        check(what, key, value);
        return Map.entry(key, value);
    }

    /** The map checked: keys and values as {@link #KEY} and {@link #VALUE}, at most {@link #MAX}. */
    public static Map<String, String> check(String what, Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX) {
            throw SkepException.badRequest("at most " + MAX + " " + what + "s, found " + labels.size(), null);
        }
        Map<String, String> sorted = new TreeMap<>();
        labels.forEach((k, v) -> {
            check(what, k, v);
            sorted.put(k, v);
        });
        return Collections.unmodifiableMap(sorted);
    }

    private static void check(String what, String key, String value) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw SkepException.badRequest(what + " key '" + key + "' is not valid", "lower-case letters, digits, "
                    + "'.', '_', '-', starting with a letter or digit, at most 63, e.g. zone=a");
        }
        if (value == null || !VALUE.matcher(value).matches()) {
            throw SkepException.badRequest(what + " value '" + value + "' of " + key + " is not valid",
                    "letters, digits, '.', '_', '-', at most 63, e.g. zone=a");
        }
    }

    /** True when every constraint names a label the agent has, with that value. */
    public static boolean matches(Map<String, String> constraints, Map<String, String> labels) {
        return constraints.entrySet().stream().allMatch(c -> c.getValue().equals(labels.get(c.getKey())));
    }

    /** "zone=a,disk=ssd" (sorted), or "-" for none. */
    public static String text(Map<String, String> labels) {
        return labels.isEmpty() ? "-" : String.join(",", new TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
