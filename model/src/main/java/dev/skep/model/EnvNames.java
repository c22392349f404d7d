package dev.skep.model;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which env vars an app may set: POSIX-ish names, not the ones skep hands in itself, and at most {@link #MAX_BYTES}
 * of them in all. The bound keeps an app's spec and release documents far below the state store's node size
 * (ZooKeeper closes the connection of a write above 1 MB: one tenant's env would cut the whole process off).
 */
public final class EnvNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> RESERVED = Set.of("PORT", "SKEP_APP", "SKEP_RELEASE", "SKEP_INSTANCE",
            "SKEP_HEARTBEAT_URL");

    /** Names and values together, as Heroku bounds config vars (32 KB there). */
    public static final int MAX_BYTES = 64 * 1024;

    private EnvNames() {
    }

    /** Refuses an env whose names and values come to more than {@link #MAX_BYTES} (UTF-8). */
    public static Map<String, String> requireSize(String app, Map<String, String> env) {
        long bytes = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            bytes += e.getKey().length() + (long) e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_BYTES) {
            throw new SkepException(SkepException.Kind.TOO_LARGE, "the env of " + app + " would be " + bytes
                    + " bytes, more than " + MAX_BYTES, "keep large values (certificates, keys, JSON) in a file the "
                    + "app reads, e.g. on a volume, and put its path in the env");
        }
        return env;
    }

    public static String require(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw SkepException.badRequest("invalid env var name '" + (name == null ? "" : name.length() > 60
                    ? name.substring(0, 60) + "..." : name) + "'", "names are letters, digits and _, not starting with a digit");
        }
        if (RESERVED.contains(name)) {
            throw SkepException.badRequest(name + " is set by skep", "skep hands in PORT and SKEP_* itself");
        }
        return name;
    }
}
