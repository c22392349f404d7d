package dev.skep.api.auth;

import dev.skep.model.SkepException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Token lifetimes as people write them: "30d", "12h", "90m", "45s", or ISO-8601 ("PT12H"). */
public final class Lifetimes {

    public static final Duration MAX = Duration.ofDays(3650);
    private static final Pattern SHORT = Pattern.compile("([1-9][0-9]{0,6})([dhms])");
    private static final String HOW = "write a lifetime like 30d, 12h, 90m or PT12H (at most 3650d)";

    private Lifetimes() {
    }

    /** The lifetime, or null for a null or blank text (no expiry). */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        Duration d;
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        } else {
            try {
                d = Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw SkepException.badRequest("invalid lifetime '" + (t.length() > 40 ? t.substring(0, 40) : t) + "'", HOW);
            }
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX) > 0) {
            throw SkepException.badRequest("lifetime out of range: " + t, HOW);
        }
        return d;
    }
}
