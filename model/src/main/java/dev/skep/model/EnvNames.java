package dev.skep.model;

import java.util.Set;
import java.util.regex.Pattern;

/** Which env var names an app may set: POSIX-ish names, not the ones skep hands in itself. */
public final class EnvNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> RESERVED = Set.of("PORT", "SKEP_APP", "SKEP_RELEASE", "SKEP_INSTANCE",
            "SKEP_HEARTBEAT_URL");

    private EnvNames() {
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
