package dev.skep.model;

import java.util.regex.Pattern;

/**
 * Procfile process types (Heroku's model): {@code web} takes the port and the route, {@code release} runs once per
 * release before its instances start, every other type runs without a route. A type name goes into instance ids,
 * log lines and cgroup names, so it is lower-case letters, digits, '_' and '-', starting with a letter.
 */
public final class ProcessTypes {

    public static final String WEB = "web";
    public static final String RELEASE = "release";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,29}");

    private ProcessTypes() {
    }

    public static boolean isValidName(String type) {
        return type != null && NAME.matcher(type).matches();
    }

    /** The type of an instance whose record predates process types (no type stored): web. */
    public static String orWeb(String type) {
        return type == null || type.isEmpty() ? WEB : type;
    }

    public static boolean isWeb(String type) {
        return WEB.equals(orWeb(type));
    }
}
